package io.onnxq.pattern;

import io.onnxq.model.Node;

/**
 * A layer with a constant weight: MatMul (+ Add bias), Gemm, or the patch-embedding Conv.
 *
 * @param node the MatMul / Gemm / Conv node
 * @param biasAdd the Add that applies the bias after a MatMul, or null
 * @param input the activation input tensor
 * @param output the layer output (after the bias, if any)
 * @param weight weight initializer name
 * @param bias bias initializer name, or null
 * @param outAxis axis of the weight that indexes output channels (per-channel quantization axis)
 */
public record LinearLayer(
    Node node,
    Node biasAdd,
    String input,
    String output,
    String weight,
    String bias,
    int outAxis,
    Role role) {

  /** What the layer does in the transformer; used for placement and reporting. */
  public enum Role {
    PATCH_EMBED,
    QKV,
    Q,
    K,
    V,
    PROJ,
    FC1,
    FC2,
    MERGE,
    HEAD,
    OTHER
  }

  public LinearLayer withRole(Role r) {
    return new LinearLayer(node, biasAdd, input, output, weight, bias, outAxis, r);
  }

  public String name() {
    return node.name().isEmpty() ? node.output(0) : node.name();
  }

  /**
   * The layer's module path, what per-layer overrides match: from an exporter's scoped node name
   * ({@code /blocks/blocks.0/attn/qkv/MatMul} -> {@code blocks.0.attn.qkv}, the op's own segment
   * and a container segment repeated as the next one's prefix dropped), else the weight's name less
   * {@code .weight}.
   */
  public String moduleName() {
    String[] parts = node.name().split("/");
    java.util.List<String> kept = new java.util.ArrayList<>();
    for (int i = 0; i < parts.length - 1; i++) {
      if (parts[i].isEmpty() || parts[i + 1].startsWith(parts[i] + ".")) continue;
      kept.add(parts[i]);
    }
    if (!kept.isEmpty()) return String.join(".", kept);
    return weight.endsWith(".weight")
        ? weight.substring(0, weight.length() - ".weight".length())
        : weight;
  }
}
