package io.onnxq.rewrite;

import io.onnxq.model.Graph;
import io.onnxq.ops.CustomOps;
import io.onnxq.ops.LogIntAttnMatMulOp;
import io.onnxq.ops.LogIntSoftmaxOp;
import io.onnxq.pattern.Attention;
import io.onnxq.plan.ActivationQuant;
import io.onnxq.quant.QuantParams;
import io.onnxq.runtime.LogIntAttnMatMul;
import io.onnxq.runtime.LogIntSoftmax;
import java.util.List;

/**
 * FQ-ViT LIS, where the plan gives the probabilities log2 codes: quantized logits -> {@code
 * com.onnxq::LogIntSoftmax} (4-bit log2 codes) -> {@code com.onnxq::LogIntAttnMatMul} (attn*V by
 * shifts, exact int32 accumulator) -> a standard DequantizeLinear that restores the attention
 * output under its old name.
 */
public final class LisSoftmaxRewrite implements Rewrite {
  @Override
  public String name() {
    return "lis-softmax";
  }

  @Override
  public void apply(RewriteContext ctx) {
    Graph g = ctx.model().graph();
    IntegerConstants k = new IntegerConstants(g);
    LogIntSoftmaxOp lis = CustomOps.LOG_INT_SOFTMAX;
    LogIntAttnMatMulOp av = CustomOps.LOG_INT_ATTN_MATMUL;
    for (Attention a : ctx.structure().attentions()) {
      if (!ctx.plan().is(a.probs(), ActivationQuant.LogIntCodes.class)) continue;
      QuantParams lp = ctx.plan().uniform(a.logits());
      QuantParams vp = ctx.plan().uniform(a.vInput());
      String base = a.probs();
      String output = a.output(); // read before the MatMul is detached from it
      String lq = ctx.qdq().quantize(a.logits(), lp);
      LogIntSoftmax.Constants c = LogIntSoftmax.Constants.forScale(lp.scale(0));
      String codes = g.uniqueName(base + "_log2codes");
      g.add(
          lis.call(
              g.uniqueName(base + "_LogIntSoftmax"),
              List.of(
                  lq,
                  k.uint8(base + "_zero_point", lp.zeroPoint(0)),
                  k.int64(base + "_x0_int", c.x0Int()),
                  k.int64(base + "_b_int", c.bInt()),
                  k.int64(base + "_c_int", c.cInt())),
              List.of(codes)));
      String vq = ctx.qdq().quantize(a.vInput(), vp);
      String acc = g.uniqueName(output + "_acc");
      g.add(
          av.call(
              g.uniqueName(output + "_LogIntAttnMatMul"),
              List.of(codes, vq, k.uint8(a.vInput() + "_zv", vp.zeroPoint(0))),
              List.of(acc)));
      g.detachProducer(output);
      g.add(
          "DequantizeLinear",
          List.of(
              acc,
              k.float32(output + "_acc_scale", LogIntAttnMatMul.accScale(vp.scale(0))),
              k.int32(output + "_acc_zero_point", 0)),
          List.of(output));
      ctx.model().addFunction(lis.function());
      ctx.model().addFunction(av.function());
    }
  }
}
