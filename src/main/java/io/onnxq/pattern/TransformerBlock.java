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

  public boolean complete() {
    return norm1 != null && !qkv.isEmpty() && attention != null && proj != null && residual1 != null
        && norm2 != null && fc1 != null && fc2 != null && residual2 != null;
  }
}
