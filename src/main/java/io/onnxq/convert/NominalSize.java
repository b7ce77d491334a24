package io.onnxq.convert;

import io.onnxq.model.Graph;
import io.onnxq.model.Tensors;
import io.onnxq.plan.QuantPlan;
import io.onnxq.plan.WeightEntry;
import io.onnxq.proto.Onnx.TensorProto;

/**
 * Model size at nominal widths (Liu et al. 2021's count): each quantized weight at its planned
 * width, every other float initializer at 32 bits. Storage rounds widths up (5-7 bits in int8), so
 * the file is larger; reports give both.
 */
final class NominalSize {
  private NominalSize() {}

  static double bytes(Graph fp32, QuantPlan plan) {
    double bits = 0;
    for (TensorProto t : fp32.initializers().values()) {
      if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE) continue;
      long n = Tensors.numel(Tensors.shape(t));
      WeightEntry w = plan.weights().get(t.getName());
      bits += n * (w != null ? w.bits() : 32);
    }
    return bits / 8;
  }
}
