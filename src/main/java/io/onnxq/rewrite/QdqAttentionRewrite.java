package io.onnxq.rewrite;

import io.onnxq.model.Node;
import io.onnxq.pattern.Attention;
import io.onnxq.plan.QuantPlan;
import io.onnxq.quant.QuantParams;
import java.util.Set;

/** Q/DQ on both operands of the two attention matmuls (Q*K^T and attn*V). */
public final class QdqAttentionRewrite implements Rewrite {
  @Override
  public String name() {
    return "qdq-attention";
  }

  @Override
  public void apply(RewriteContext ctx) {
    QuantPlan plan = ctx.plan();
    for (Attention a : ctx.structure().attentions()) {
      quantizeOperands(ctx, plan, a.qk());
      // Under LIS the attn*V MatMul has been replaced by the integer op.
      if (!ctx.model().graph().consumers(a.av().output(0)).isEmpty())
        quantizeOperands(ctx, plan, a.av());
    }
  }

  private static void quantizeOperands(RewriteContext ctx, QuantPlan plan, Node matmul) {
    for (int i = 0; i < 2; i++) {
      String in = matmul.input(i);
      QuantParams p = plan.uniform(in);
      if (p != null) ctx.qdq().quantizeFor(in, p, Set.of(matmul));
    }
  }
}
