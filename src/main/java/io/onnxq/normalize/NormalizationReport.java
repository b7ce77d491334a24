package io.onnxq.normalize;

import java.util.ArrayList;
import java.util.List;

/** What the normaliser changed, for the coverage line and the report. */
public record NormalizationReport(
    int identities,
    int dropouts,
    int noOpCasts,
    int nanGuards,
    int foldedConstants,
    int foldedShapes,
    int transposePairs) {

  public String text() {
    List<String> parts = new ArrayList<>();
    if (identities > 0) parts.add(identities + " Identity");
    if (dropouts > 0) parts.add(dropouts + " Dropout");
    if (noOpCasts > 0) parts.add(noOpCasts + " no-op Cast");
    if (nanGuards > 0) parts.add(nanGuards + " Softmax NaN guard" + (nanGuards == 1 ? "" : "s"));
    if (transposePairs > 0)
      parts.add(transposePairs + " Transpose pair" + (transposePairs == 1 ? "" : "s"));
    List<String> folded = new ArrayList<>();
    if (foldedConstants > 0) folded.add(foldedConstants + " constant");
    if (foldedShapes > 0) folded.add(foldedShapes + " shape");
    String s = parts.isEmpty() ? "" : "removed " + String.join(", ", parts);
    if (!folded.isEmpty())
      s += (s.isEmpty() ? "" : "; ") + "folded " + String.join(" and ", folded) + " tensors";
    return s.isEmpty() ? "nothing to normalise" : s;
  }
}
