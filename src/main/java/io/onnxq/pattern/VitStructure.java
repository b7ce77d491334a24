package io.onnxq.pattern;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything the finder recognised in a ViT graph.
 *
 * @param linears every constant-weight layer, with its role
 * @param attentions every attention (QK, Softmax, AV)
 * @param layerNorms every LayerNorm
 * @param gelus every GELU
 * @param blocks encoder blocks in graph order
 * @param embedSum the tensor entering the first block (patch tokens + cls + position), or null
 * @param finalNorm the LayerNorm after the last block, or null
 * @param embeddingNorm a LayerNorm reading the patch embedding through data movement only (Swin),
 *     or null
 * @param merges Swin PatchMerging stages between the blocks
 * @param coverage the nodes of interest no recognised structure explains, with the reason
 */
public record VitStructure(
    List<LinearLayer> linears,
    List<Attention> attentions,
    List<LayerNormPattern> layerNorms,
    List<GeluPattern> gelus,
    List<TransformerBlock> blocks,
    String embedSum,
    LayerNormPattern finalNorm,
    LayerNormPattern embeddingNorm,
    List<PatchMerging> merges,
    List<Coverage.Gap> coverage) {

  VitStructure withCoverage(List<Coverage.Gap> gaps) {
    return new VitStructure(
        linears,
        attentions,
        layerNorms,
        gelus,
        blocks,
        embedSum,
        finalNorm,
        embeddingNorm,
        merges,
        List.copyOf(gaps));
  }

  /** The first incomplete block, if any. */
  public java.util.Optional<TransformerBlock> firstIncomplete() {
    return blocks.stream().filter(b -> !b.complete()).findFirst();
  }

  public List<LinearLayer> linears(LinearLayer.Role role) {
    return linears.stream().filter(l -> l.role() == role).toList();
  }

  /** The residual adds' outputs in order (two per block). */
  public List<String> residuals() {
    List<String> out = new ArrayList<>();
    for (TransformerBlock b : blocks) {
      if (b.residual1() != null) out.add(b.residual1());
      if (b.residual2() != null) out.add(b.residual2());
    }
    return out;
  }
}
