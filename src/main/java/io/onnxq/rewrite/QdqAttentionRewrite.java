package io.onnxq.rewrite;

import io.onnxq.convert.QuantTable;
import io.onnxq.model.Node;
import io.onnxq.pattern.Attention;
import java.util.Set;

/** Q/DQ on both operands of the two attention matmuls (Q*K^T and attn*V). */
public final class QdqAttentionRewrite implements Rewrite {
  @Override
  public String name() { return "qdq-attention"; }

  @Override
  public void apply(RewriteContext ctx) {
    QuantTable table = ctx.table();
    for (Attention a : ctx.structure().attentions()) {
      quantizeOperands(ctx, table, a.qk());
      // Under LIS the attn*V MatMul has been replaced by the integer op.
      if (!ctx.model().graph().consumers(a.av().output(0)).isEmpty()) quantizeOperands(ctx, table, a.av());
    }
  }

  private static void quantizeOperands(RewriteContext ctx, QuantTable table, Node matmul) {
    for (int i = 0; i < 2; i++) {
      String in = matmul.input(i);
      if (table.hasActivation(in)) ctx.qdq().quantizeFor(in, table.activation(in), Set.of(matmul));
    }
  }
}
