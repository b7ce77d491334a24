package io.onnxq.rewrite;

import io.onnxq.pattern.LinearLayer;
import io.onnxq.plan.QuantPlan;
import io.onnxq.plan.WeightEntry;
import io.onnxq.quant.QuantParams;
import io.onnxq.quant.QuantizedWeight;
import java.util.Set;

/**
 * Linear layers (MatMul+Add, Gemm, patch-embed Conv) into QDQ form: the planned integer weight
 * behind a DequantizeLinear, and a Q/DQ pair on the activation input. ORT fuses the pattern into
 * integer kernels (MatMulIntegerToFloat, QLinearConv, ...).
 */
public final class QdqLinearRewrite implements Rewrite {
  @Override
  public String name() {
    return "qdq-linear";
  }

  @Override
  public void apply(RewriteContext ctx) {
    QuantPlan plan = ctx.plan();
    for (LinearLayer l : ctx.structure().linears()) {
      WeightEntry w = plan.weight(l.weight());
      if (w == null) continue;
      QuantizedWeight qw = w.weight();
      if (plan.ptf(l.output()) != null) {
        // The output is quantized per channel (the next LayerNorm's PTF input, as after Swin's
        // PatchMerging): ORT would fuse DQ -> MatMul -> Q into a QLinearMatMul, which takes only a
        // per-tensor output grid. A weight dequantized in standard ops keeps it out of that fusion.
        ctx.qdq().declareRank(l.weight(), qw.shape().length);
        ctx.qdq().quantizedWeightUnfused(l.weight(), qw, l.node(), 1);
      } else {
        ctx.qdq().quantizedWeight(l.weight(), qw, l.node(), 1);
      }
      QuantParams in = plan.uniform(l.input());
      if (in != null) ctx.qdq().quantizeFor(l.input(), in, Set.of(l.node()));
    }
  }
}
