package io.onnxq.rewrite;

import io.onnxq.OnnxqException;
import io.onnxq.model.Graph;
import io.onnxq.ops.CustomOp;
import io.onnxq.ops.CustomOps;
import io.onnxq.pattern.GeluPattern;
import io.onnxq.quant.Gelu;
import io.onnxq.quant.IntRange;
import io.onnxq.quant.QuantParams;
import io.onnxq.recipe.GeluMode;
import io.onnxq.runtime.GeluTable;
import io.onnxq.runtime.IntGelu;
import java.util.List;

/**
 * Integer GELU, where the plan lists a GELU: its quantized input (fc1's output) goes to {@code
 * com.onnxq::GeluTable} or {@code com.onnxq::IntGelu}, as the plan says, whose uint8 codes are on
 * the output's grid (fc2's input), so fc2 reads them directly; a DequantizeLinear keeps the old
 * output name for any float reader. Any exported form (erf, tanh, sigmoid, the Gelu op) is replaced
 * by the same op; the table reproduces that form's function.
 */
public final class IntGeluRewrite implements Rewrite {
  private static final IntRange U8 = IntRange.uint(8);

  @Override
  public String name() {
    return "int-gelu";
  }

  @Override
  public void apply(RewriteContext ctx) {
    Graph g = ctx.model().graph();
    IntegerConstants k = new IntegerConstants(g);
    for (GeluPattern gelu : ctx.structure().gelus()) {
      GeluMode mode = ctx.plan().intGelus().get(gelu.output());
      if (mode == null) continue;
      QuantParams in = ctx.plan().uniform(gelu.input());
      QuantParams out = ctx.plan().uniform(gelu.output());
      if (in == null || out == null || in.isPerChannel() || out.isPerChannel()) {
        throw new IllegalStateException(
            "integer GELU on '"
                + gelu.output()
                + "' needs per-tensor grids on its input and output");
      }
      if (!in.range().equals(U8) || !out.range().equals(U8)) {
        throw new OnnxqException(
            "--int-gelu needs 8-bit codes on fc1's output and fc2's input, got "
                + in.range()
                + " and "
                + out.range()
                + " at '"
                + gelu.output()
                + "'; drop the --bits override of that MLP or --int-gelu");
      }
      String base = gelu.output();
      String xq = ctx.qdq().quantize(gelu.input(), in);
      String yq = g.uniqueName(base + "_q");
      CustomOp op;
      List<String> inputs;
      switch (mode) {
        case TABLE -> {
          op = CustomOps.GELU_TABLE;
          inputs = tableInputs(gelu, k, xq, in, out);
        }
        case IBERT -> {
          op = CustomOps.INT_GELU;
          inputs = ibertInputs(gelu, k, xq, in, out);
        }
        default -> throw new IllegalStateException("float GELU listed as integer");
      }
      g.add(op.call(g.uniqueName(base + "_" + op.name()), inputs, List.of(yq)));
      // The pattern's other nodes are left without readers and go with the dead code.
      g.detachProducer(base);
      String[] sz = ctx.qdq().scaleAndZero(base, out);
      g.add("DequantizeLinear", List.of(yq, sz[0], sz[1]), List.of(base));
      ctx.qdq().registerQuantized(base, yq);
      ctx.model().addFunction(op.function());
    }
  }

  /** The table of the source model's own GELU form. */
  private static List<String> tableInputs(
      GeluPattern gelu, IntegerConstants k, String xq, QuantParams in, QuantParams out) {
    String base = gelu.output();
    Gelu.Form form = gelu.function();
    int[] table = GeluTable.of(form, in.scale(0), in.zeroPoint(0), out.scale(0), out.zeroPoint(0));
    return List.of(
        xq,
        k.uint8(base + "_form", GeluTable.code(form)),
        k.float32(base + "_in_scale", in.scale(0)),
        k.uint8(base + "_in_zero_point", in.zeroPoint(0)),
        k.float32(base + "_out_scale", out.scale(0)),
        k.uint8(base + "_out_zero_point", out.zeroPoint(0)),
        k.uint8s(base + "_table", table));
  }

  /** I-BERT's erf polynomial, whatever the source form (they differ by at most 0.02). */
  private static List<String> ibertInputs(
      GeluPattern gelu, IntegerConstants k, String xq, QuantParams in, QuantParams out) {
    String base = gelu.output();
    IntGelu.Constants c = constants(gelu, in, out);
    return List.of(
        xq,
        k.uint8(base + "_in_zero_point", in.zeroPoint(0)),
        k.int32(base + "_b", c.b()),
        k.int32(base + "_c", c.c()),
        k.uint8(base + "_shift", c.shift()),
        k.int32(base + "_one", c.one()),
        k.float32(base + "_m", c.m()),
        k.uint8(base + "_out_zero_point", out.zeroPoint(0)));
  }

  private static IntGelu.Constants constants(GeluPattern gelu, QuantParams in, QuantParams out) {
    try {
      return IntGelu.Constants.of(in.scale(0), out.scale(0));
    } catch (IllegalArgumentException e) {
      throw new OnnxqException(
          "--int-gelu=ibert cannot take the GELU on '"
              + gelu.input()
              + "': "
              + e.getMessage()
              + "; the table form (--int-gelu) has no such limit");
    }
  }
}
