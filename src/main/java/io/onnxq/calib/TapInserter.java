package io.onnxq.calib;

import io.onnxq.proto.Onnx.ModelProto;
import io.onnxq.proto.Onnx.TensorProto;
import io.onnxq.proto.Onnx.TypeProto;
import io.onnxq.proto.Onnx.ValueInfoProto;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Exposes intermediate tensors as extra graph outputs. ORT keeps declared outputs intact at full
 * optimization, so calibration runs the same optimized graph as deployment.
 */
public final class TapInserter {
  private TapInserter() {}

  /** Float tensors (activations). */
  public static ModelProto withOutputs(ModelProto model, Collection<String> tensors) {
    Map<String, Integer> typed = new LinkedHashMap<>();
    for (String t : tensors) typed.put(t, TensorProto.DataType.FLOAT_VALUE);
    return withOutputs(model, typed);
  }

  /** Tensors with their ONNX element types (integer codes of custom ops, for example). */
  public static ModelProto withOutputs(ModelProto model, Map<String, Integer> tensors) {
    Set<String> existing = new HashSet<>();
    for (ValueInfoProto v : model.getGraph().getOutputList()) existing.add(v.getName());
    var g = model.getGraph().toBuilder();
    for (Map.Entry<String, Integer> t : tensors.entrySet()) {
      if (existing.add(t.getKey())) {
        g.addOutput(
            ValueInfoProto.newBuilder()
                .setName(t.getKey())
                .setType(
                    TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(t.getValue()))));
      }
    }
    return model.toBuilder().setGraph(g).build();
  }
}
