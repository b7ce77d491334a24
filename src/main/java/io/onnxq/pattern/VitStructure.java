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
 */
public record VitStructure(
    List<LinearLayer> linears,
    List<Attention> attentions,
    List<LayerNormPattern> layerNorms,
    List<GeluPattern> gelus,
    List<TransformerBlock> blocks,
    String embedSum,
    LayerNormPattern finalNorm) {

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
