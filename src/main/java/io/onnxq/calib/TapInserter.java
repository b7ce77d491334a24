package io.onnxq.calib;

import io.onnxq.proto.Onnx.ModelProto;
import io.onnxq.proto.Onnx.TensorProto;
import io.onnxq.proto.Onnx.TypeProto;
import io.onnxq.proto.Onnx.ValueInfoProto;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * Exposes intermediate tensors as extra graph outputs. ORT keeps declared outputs intact at full
 * optimization, so calibration runs the same optimized graph as deployment.
 */
public final class TapInserter {
  private TapInserter() {}

  public static ModelProto withOutputs(ModelProto model, Collection<String> tensors) {
    Set<String> existing = new HashSet<>();
    for (ValueInfoProto v : model.getGraph().getOutputList()) existing.add(v.getName());
    var g = model.getGraph().toBuilder();
    for (String t : tensors) {
      if (existing.add(t)) {
        g.addOutput(ValueInfoProto.newBuilder().setName(t).setType(TypeProto.newBuilder()
            .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE))));
      }
    }
    return model.toBuilder().setGraph(g).build();
  }
}
