package io.onnxq.rewrite;

import io.onnxq.convert.ConvertOptions;
import io.onnxq.ops.CustomOps;
import java.util.ArrayList;
import java.util.List;

/** The ordered rule list for a set of options. */
public final class Rewrites {
  /** A rule whose output uses ops of a custom domain that the model must import. */
  public interface CustomDomain {
    /** Every onnxq op lives in one domain; a rule for another domain overrides this. */
    default String domain() { return CustomOps.DOMAIN; }
  }

  private Rewrites() {}

  public static List<Rewrite> forOptions(ConvertOptions o) {
    List<Rewrite> rules = new ArrayList<>();
    rules.add(new InitializerReplaceRewrite());
    if (o.pts()) rules.add(new PtsLayerNormRewrite());
    if (o.logIntSoftmax()) rules.add(new LisSoftmaxRewrite());
    if (o.probs() != ConvertOptions.Probs.UNIFORM) rules.add(new LogQuantRewrite());
    rules.add(new QdqLinearRewrite());
    rules.add(new QdqAttentionRewrite());
    if (o.fullPlacement()) rules.add(new ActivationQdqRewrite());
    return rules;
  }
}
