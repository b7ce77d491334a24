package io.onnxq.rewrite;

import io.onnxq.plan.ActivationEntry;
import io.onnxq.plan.ActivationQuant;

/**
 * FQ-ViT placement: every planned uniform activation read by all of its consumers (residual stream,
 * branch outputs, model output) gets a Q/DQ pair, unless a specific rule made it an integer op's
 * output already.
 */
public final class ActivationQdqRewrite implements Rewrite {
  @Override
  public String name() {
    return "qdq-activations";
  }

  @Override
  public void apply(RewriteContext ctx) {
    for (ActivationEntry e : ctx.plan().activations()) {
      if (e.everyConsumer() && e.quant() instanceof ActivationQuant.Uniform u) {
        ctx.qdq().quantizeAllConsumers(e.tensor(), u.params());
      }
    }
  }
}
