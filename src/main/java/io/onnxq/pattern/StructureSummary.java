package io.onnxq.pattern;

import io.onnxq.model.OnnxModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A printable / JSON-serialisable summary of a {@link VitStructure}. */
public record StructureSummary(
    long opset,
    int blocks,
    int completeBlocks,
    int linearLayers,
    int attentions,
    int layerNorms,
    String layerNormForm,
    int gelus,
    String geluForm,
    String embedSum,
    String head,
    int patchMerges,
    List<String> uncovered,
    List<BlockSummary> blockDetails) {

  public record BlockSummary(
      int index,
      List<String> qkv,
      String proj,
      String fc1,
      String fc2,
      String attentionScale,
      boolean complete,
      String missing) {}

  public static StructureSummary of(OnnxModel m, VitStructure s) {
    List<BlockSummary> bs = new ArrayList<>();
    for (TransformerBlock b : s.blocks()) {
      bs.add(
          new BlockSummary(
              b.index(),
              b.qkv().stream().map(l -> shape(m, l)).toList(),
              shape(m, b.proj()),
              shape(m, b.fc1()),
              shape(m, b.fc2()),
              b.attention().qk().name(),
              b.complete(),
              b.missing()));
    }
    List<LinearLayer> heads = s.linears(LinearLayer.Role.HEAD);
    return new StructureSummary(
        m.opset(),
        s.blocks().size(),
        (int) s.blocks().stream().filter(TransformerBlock::complete).count(),
        s.linears().size(),
        s.attentions().size(),
        s.layerNorms().size(),
        s.layerNorms().isEmpty()
            ? "none"
            : s.layerNorms().get(0).fused() ? "LayerNormalization op" : "decomposed",
        s.gelus().size(),
        s.gelus().isEmpty() ? "none" : s.gelus().get(0).form(),
        s.embedSum(),
        heads.isEmpty() ? null : shape(m, heads.get(0)),
        s.merges().size(),
        s.coverage().stream().map(Coverage.Gap::text).toList(),
        bs);
  }

  private static String shape(OnnxModel m, LinearLayer l) {
    if (l == null) return null;
    return l.node().opType() + Arrays.toString(VitPatternFinder.shapeOf(m.graph(), l.weight()));
  }

  /** One line: how much of the graph the structure explains. */
  public String coverageLine() {
    String found =
        String.format(
            "%d/%d blocks complete, %d attentions, %d linears, %d LayerNorms, %d GELUs%s",
            completeBlocks,
            blocks,
            attentions,
            linearLayers,
            layerNorms,
            gelus,
            patchMerges > 0 ? ", " + patchMerges + " PatchMerging" : "");
    return "coverage: "
        + found
        + (uncovered.isEmpty()
            ? "; every MatMul/Gemm/Conv, Softmax, LayerNorm and GELU covered"
            : "; " + uncovered.size() + " not covered (first: " + uncovered.get(0) + ")");
  }

  public String text() {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            "opset %d: %d transformer blocks (%d complete), %d linear layers, %d attentions,%n",
            opset, blocks, completeBlocks, linearLayers, attentions));
    sb.append(
        String.format(
            "  %d LayerNorms (%s), %d GELUs (%s), %d PatchMerging, head %s%n",
            layerNorms, layerNormForm, gelus, geluForm, patchMerges, head));
    for (BlockSummary b : blockDetails) {
      sb.append(
          String.format(
              "  block %2d: qkv %s, proj %s, fc1 %s, fc2 %s%s%n",
              b.index(),
              b.qkv(),
              b.proj(),
              b.fc1(),
              b.fc2(),
              b.complete() ? "" : "  (incomplete: " + b.missing() + ")"));
    }
    if (uncovered.isEmpty()) {
      sb.append(
          "coverage: every MatMul/Gemm/Conv, Softmax, LayerNorm and GELU is in a recognised structure\n");
    } else {
      sb.append("not covered (" + uncovered.size() + "):\n");
      for (String u : uncovered) sb.append("  ").append(u).append('\n');
    }
    return sb.toString();
  }
}
