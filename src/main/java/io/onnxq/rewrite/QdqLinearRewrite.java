package io.onnxq.rewrite;

import io.onnxq.convert.QuantTable;
import io.onnxq.model.Graph;
import io.onnxq.model.Node;
import io.onnxq.model.Tensors;
import io.onnxq.pattern.LinearLayer;
import io.onnxq.proto.Onnx.TensorProto;
import io.onnxq.quant.IntRange;
import io.onnxq.quant.QuantParams;
import io.onnxq.quant.QuantizedWeight;
import io.onnxq.quant.WeightQuantizer;
import java.util.Set;

/**
 * Linear layers (MatMul+Add, Gemm, patch-embed Conv) into QDQ form: per-output-channel symmetric
 * integer weights behind a DequantizeLinear, and a Q/DQ pair on the activation input. ORT fuses
 * the pattern into integer kernels (MatMulIntegerToFloat, QLinearConv, ...).
 */
public final class QdqLinearRewrite implements Rewrite {
  @Override
  public String name() { return "qdq-linear"; }

  @Override
  public void apply(RewriteContext ctx) {
    Graph g = ctx.model().graph();
    QuantTable table = ctx.table();
    for (LinearLayer l : ctx.structure().linears()) {
      if (!table.hasWeight(l.weight())) continue;
      TensorProto w = g.initializer(l.weight()).orElseThrow();
      QuantizedWeight qw = quantize(Tensors.toFloats(w), Tensors.shape(w), l.outAxis(), l.weight(), table);
      table.recordWeight(l.weight(), qw);
      if (table.ptf(l.output()) != null) {
        // The output is quantized per channel (the next LayerNorm's PTF input, as after Swin's
        // PatchMerging): ORT would fuse DQ -> MatMul -> Q into a QLinearMatMul, which takes only a
        // per-tensor output grid. A weight dequantized in standard ops keeps it out of that fusion.
        ctx.qdq().declareRank(l.weight(), qw.shape().length);
        ctx.qdq().quantizedWeightUnfused(l.weight(), qw, l.node(), 1);
      } else {
        ctx.qdq().quantizedWeight(l.weight(), qw, l.node(), 1);
      }
      if (table.hasActivation(l.input())) {
        ctx.qdq().quantizeFor(l.input(), table.activation(l.input()), Set.of(l.node()));
      }
    }
  }

  /** Searched params if any; else MinMax: symmetric for signed 8-bit, asymmetric for low-bit grids. */
  private static QuantizedWeight quantize(float[] w, int[] shape, int axis, String name, QuantTable table) {
    QuantParams chosen = table.chosenWeight(name);
    if (chosen != null) return WeightQuantizer.quantizeWith(w, shape, chosen);
    IntRange r = table.weightRange(name);
    return r.signed() ? WeightQuantizer.quantizePerChannel(w, shape, axis, r)
        : WeightQuantizer.quantizeAsymmetric(w, shape, axis, r);
  }
}
