package io.onnxq.convert;

import io.onnxq.OnnxqException;
import io.onnxq.pattern.TransformerBlock;
import io.onnxq.pattern.VitStructure;

/**
 * What each method needs of the recognised structure, checked before calibration so that a model
 * the finder only half understood is refused with the construct it lacks instead of half converted.
 */
final class StructureRequirements {
  private StructureRequirements() {}

  static void check(VitStructure s, ConvertOptions o) {
    String method = o.adalog() ? "--adalog" : o.pts() || o.lis() ? "--pts/--lis" : o.fullPlacement() ? "--full" : null;
    if (method == null) return; // W8A8 quantizes whatever linears and attentions were found
    TransformerBlock b = s.firstIncomplete().orElse(null);
    if (b != null) {
      throw new OnnxqException(method + " needs complete transformer blocks, but block " + b.index() + " has "
          + b.missing() + " (run 'onnxq inspect' for the coverage)");
    }
  }
}
