package io.onnxq.rewrite;

import io.onnxq.model.Graph;
import io.onnxq.model.Node;
import io.onnxq.ops.AdaLogDequantizeOp;
import io.onnxq.ops.AdaLogQuantizeOp;
import io.onnxq.ops.CustomOps;
import io.onnxq.plan.ActivationEntry;
import io.onnxq.plan.ActivationQuant;
import io.onnxq.quant.AdaLogQuantizer;
import java.util.List;

/**
 * AdaLog (and fixed log2) activation quantizers as {@code com.onnxq::AdaLogQuantize} (codes) and
 * {@code com.onnxq::AdaLogDequantize} (code -> shift and fraction table value). The consumers read
 * the dequantized value. For a shifted (post-GELU) quantizer the table omits -h: the planner has
 * folded it into the next layer's bias with the quantized weights.
 */
public final class LogQuantRewrite implements Rewrite {
  @Override
  public String name() {
    return "log-quant";
  }

  @Override
  public void apply(RewriteContext ctx) {
    Graph g = ctx.model().graph();
    IntegerConstants k = new IntegerConstants(g);
    AdaLogDequantizeOp deq = CustomOps.ADALOG_DEQUANTIZE;
    for (ActivationEntry e : ctx.plan().activations()) {
      if (!(e.quant() instanceof ActivationQuant.Log log)) continue;
      String x = e.tensor();
      AdaLogQuantizer q = log.quantizer();
      AdaLogQuantizeOp quant = AdaLogQuantizeOp.forBits(q.bits());
      List<Node> consumers = g.consumers(x);
      String codes = g.uniqueName(x + "_logcodes");
      g.add(
          quant.call(
              g.uniqueName(x + "_AdaLogQuantize"),
              List.of(
                  x,
                  k.float32(x + "_shift", q.shift()),
                  k.float32(x + "_logscale", q.scale()),
                  k.floats(x + "_thresholds", q.thresholds())),
              List.of(codes)));
      String y = g.uniqueName(x + "_logdq");
      g.add(
          deq.call(
              g.uniqueName(x + "_AdaLogDequantize"),
              List.of(codes, k.floats(x + "_table", q.tableUnshifted())),
              List.of(y)));
      for (Node c : consumers) {
        for (int i = 0; i < c.inputCount(); i++) if (c.input(i).equals(x)) g.setInput(c, i, y);
      }
      ctx.model().addFunction(quant.function());
      ctx.model().addFunction(deq.function());
    }
  }
}
