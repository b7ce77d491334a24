package io.onnxq.rewrite;

import io.onnxq.convert.QuantTable;

/**
 * Full placement: every planned activation that no specific rule turned into an integer op gets
 * a Q/DQ pair read by all of its consumers (residual stream, branch outputs, model output).
 */
public final class ActivationQdqRewrite implements Rewrite {
  @Override
  public String name() { return "qdq-activations"; }

  @Override
  public void apply(RewriteContext ctx) {
    QuantTable t = ctx.table();
    for (QuantTable.ActivationSite s : t.activationSites().values()) {
      if (t.hasActivation(s.tensor()) && !s.ptf()) ctx.qdq().quantizeAllConsumers(s.tensor(), t.activation(s.tensor()));
    }
  }
}
