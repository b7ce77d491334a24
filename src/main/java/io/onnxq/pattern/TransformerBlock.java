package io.onnxq.pattern;

/**
 * One pre-norm encoder block: x + proj(attn(norm1(x))), then + fc2(gelu(fc1(norm2(.)))). Parts the
 * finder could not place are null; {@link VitStructure} reports them.
 */
public record TransformerBlock(
    int index,
    LayerNormPattern norm1,
    java.util.List<LinearLayer> qkv,
    Attention attention,
    LinearLayer proj,
    String residual1,
    LayerNormPattern norm2,
    LinearLayer fc1,
    GeluPattern gelu,
    LinearLayer fc2,
    String residual2) {

  /** The first part the finder could not place, in graph order, or null for a complete block. */
  public String missing() {
    if (qkv.isEmpty()) return "no q/k/v linear before the attention";
    if (norm1 == null) return "no LayerNorm before the q/k/v linear";
    if (proj == null) return "no output projection after the attention";
    if (residual1 == null) return "no residual Add after the projection";
    if (norm2 == null) return "no LayerNorm after the first residual";
    if (fc1 == null) return "no MLP linear after the second LayerNorm";
    if (gelu == null) return "no GELU after the first MLP linear";
    if (fc2 == null) return "no MLP linear after the GELU";
    if (residual2 == null) return "no residual Add after the MLP";
    return null;
  }

  public boolean complete() {
    return missing() == null;
  }
}
