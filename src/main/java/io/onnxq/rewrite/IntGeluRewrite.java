package io.onnxq.rewrite;

import io.onnxq.OnnxqException;
import io.onnxq.model.Graph;
import io.onnxq.ops.CustomOps;
import io.onnxq.ops.IntGeluOp;
import io.onnxq.pattern.GeluPattern;
import io.onnxq.quant.QuantParams;
import io.onnxq.runtime.IntGelu;
import java.util.List;

/**
 * Integer GELU, where the plan lists a GELU: its quantized input (fc1's output) goes to {@code
 * com.onnxq::IntGelu}, whose uint8 codes are on the output's grid (fc2's input), so fc2 reads them
 * directly; a DequantizeLinear keeps the old output name for any float reader. Any exported form
 * (erf, tanh, sigmoid, the Gelu op) is replaced by the same op.
 */
public final class IntGeluRewrite implements Rewrite {
  @Override
  public String name() {
    return "int-gelu";
  }

  @Override
  public void apply(RewriteContext ctx) {
    Graph g = ctx.model().graph();
    IntegerConstants k = new IntegerConstants(g);
    IntGeluOp op = CustomOps.INT_GELU;
    for (GeluPattern gelu : ctx.structure().gelus()) {
      if (!ctx.plan().intGelus().contains(gelu.output())) continue;
      QuantParams in = ctx.plan().uniform(gelu.input());
      QuantParams out = ctx.plan().uniform(gelu.output());
      if (in == null || out == null || in.isPerChannel() || out.isPerChannel()) {
        throw new IllegalStateException(
            "IntGelu on '" + gelu.output() + "' needs per-tensor grids on its input and output");
      }
      IntGelu.Constants c = constants(gelu, in, out);
      String base = gelu.output();
      String xq = ctx.qdq().quantize(gelu.input(), in);
      String yq = g.uniqueName(base + "_q");
      g.add(
          op.call(
              g.uniqueName(base + "_IntGelu"),
              List.of(
                  xq,
                  k.uint8(base + "_in_zero_point", in.zeroPoint(0)),
                  k.int32(base + "_b", c.b()),
                  k.int32(base + "_c", c.c()),
                  k.uint8(base + "_shift", c.shift()),
                  k.int32(base + "_one", c.one()),
                  k.float32(base + "_m", c.m()),
                  k.uint8(base + "_out_zero_point", out.zeroPoint(0))),
              List.of(yq)));
      // The pattern's other nodes are left without readers and go with the dead code.
      g.detachProducer(base);
      String[] sz = ctx.qdq().scaleAndZero(base, out);
      g.add("DequantizeLinear", List.of(yq, sz[0], sz[1]), List.of(base));
      ctx.qdq().registerQuantized(base, yq);
      ctx.model().addFunction(op.function());
    }
  }

  private static IntGelu.Constants constants(GeluPattern gelu, QuantParams in, QuantParams out) {
    try {
      return IntGelu.Constants.of(in.scale(0), out.scale(0));
    } catch (IllegalArgumentException e) {
      throw new OnnxqException(
          "--int-gelu cannot take the GELU on '" + gelu.input() + "': " + e.getMessage());
    }
  }
}
