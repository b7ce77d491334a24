package io.onnxq.rewrite;

import io.onnxq.OnnxqException;
import io.onnxq.model.Graph;
import io.onnxq.model.Tensors;
import io.onnxq.ops.CustomOps;
import io.onnxq.ops.PtsLayerNormOp;
import io.onnxq.pattern.LayerNormPattern;
import io.onnxq.quant.PtfParams;
import io.onnxq.quant.QuantParams;
import io.onnxq.runtime.PtsLayerNorm;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * FQ-ViT PTS: the LayerNorm input is quantized per channel with power-of-two factors (one zero
 * point), the residual path reads its dequantized value, and the LayerNorm becomes the integer
 * {@code com.onnxq::PtsLayerNorm} whose uint8 output is dequantized back under the old name. A
 * LayerNorm feeding another one (Swin's patch-embedding norm) writes its codes straight onto the
 * next one's PTF grid, with an output scale per channel.
 */
public final class PtsLayerNormRewrite implements Rewrite {
  @Override
  public String name() {
    return "pts-layernorm";
  }

  @Override
  public void apply(RewriteContext ctx) {
    Graph g = ctx.model().graph();
    IntegerConstants k = new IntegerConstants(g);
    PtsLayerNormOp op = CustomOps.PTS_LAYER_NORM;
    for (LayerNormPattern ln : feedersFirst(ctx.structure().layerNorms())) {
      PtfParams ptf = ctx.plan().ptf(ln.input());
      if (ptf == null) continue;
      QuantParams in = ctx.plan().uniform(ln.input());
      QuantParams out = ctx.plan().uniform(ln.output());
      PtfParams outPtf = ctx.plan().ptf(ln.output());
      int c = ptf.channels();
      float[] gamma =
          ln.gamma() == null
              ? filled(c, 1f)
              : Tensors.toFloats(g.initializer(ln.gamma()).orElseThrow());
      float[] beta =
          ln.beta() == null
              ? filled(c, 0f)
              : Tensors.toFloats(g.initializer(ln.beta()).orElseThrow());
      if (gamma.length != c || beta.length != c) {
        throw new OnnxqException(
            "LayerNorm on '"
                + ln.input()
                + "' has "
                + gamma.length
                + " channels but its input has "
                + c
                + "; only last-axis LayerNorm is supported");
      }
      String xq = ctx.qdq().quantize(ln.input(), in);
      ctx.qdq().quantizeAllConsumers(ln.input(), in);
      PtsLayerNorm.Constants consts =
          outPtf != null
              ? PtsLayerNorm.Constants.of(gamma, beta, outPtf.channelScales())
              : PtsLayerNorm.Constants.of(gamma, beta, out.scale(0));
      int zy = outPtf != null ? outPtf.zeroPoint() : out.zeroPoint(0);
      String base = ln.output();
      String yq = g.uniqueName(base + "_q");
      g.add(
          op.call(
              g.uniqueName(base + "_PtsLayerNorm"),
              List.of(
                  xq,
                  k.uint8(base + "_in_zero_point", ptf.zeroPoint()),
                  k.uint8s(base + "_alpha", ptf.alpha()),
                  k.floats(base + "_G", consts.g()),
                  k.floats(base + "_Bt", consts.bt()),
                  k.uint8(base + "_out_zero_point", zy)),
              List.of(yq)));
      g.detachProducer(ln.output());
      if (outPtf != null) {
        ctx.qdq().dequantizeUnfusedTo(yq, out, base, ln.output());
      } else {
        String[] sz = ctx.qdq().scaleAndZero(base, out);
        g.add("DequantizeLinear", List.of(yq, sz[0], sz[1]), List.of(ln.output()));
      }
      ctx.qdq().registerQuantized(ln.output(), yq);
      ctx.model().addFunction(op.function());
    }
  }

  /** A LayerNorm whose output is another one's input goes first, so that one reads its codes. */
  private static List<LayerNormPattern> feedersFirst(List<LayerNormPattern> norms) {
    Set<String> inputs = new HashSet<>();
    for (LayerNormPattern ln : norms) inputs.add(ln.input());
    List<LayerNormPattern> order = new ArrayList<>();
    for (LayerNormPattern ln : norms) if (inputs.contains(ln.output())) order.add(ln);
    for (LayerNormPattern ln : norms) if (!inputs.contains(ln.output())) order.add(ln);
    return order;
  }

  private static float[] filled(int n, float v) {
    float[] a = new float[n];
    Arrays.fill(a, v);
    return a;
  }
}
