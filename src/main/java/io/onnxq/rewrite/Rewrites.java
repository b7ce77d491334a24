package io.onnxq.rewrite;

import java.util.List;

/**
 * The ordered rule list. Every rule acts only where the plan has entries of its kind, so the same
 * list serves every recipe; the order matters: initializers are replaced before weights are placed,
 * and integer ops claim their tensors before the generic Q/DQ rules.
 */
public final class Rewrites {
  private Rewrites() {}

  public static List<Rewrite> all() {
    return List.of(
        new InitializerReplaceRewrite(),
        new PtsLayerNormRewrite(),
        new IntGeluRewrite(),
        new LisSoftmaxRewrite(),
        new LogQuantRewrite(),
        new QdqLinearRewrite(),
        new QdqAttentionRewrite(),
        new ActivationQdqRewrite());
  }
}
