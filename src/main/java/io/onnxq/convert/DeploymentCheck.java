package io.onnxq.convert;

import io.onnxq.OnnxqException;
import io.onnxq.data.Batches;
import io.onnxq.data.Dataset;
import io.onnxq.ort.OrtModel;
import io.onnxq.proto.Onnx.ModelProto;
import io.onnxq.proto.Onnx.ValueInfoProto;
import java.util.List;

/**
 * Runs the converted model once as it is deployed: ORT at full optimisation, no taps. Taps can keep
 * ORT from fusing a Q/DQ group, so the error meter alone would not notice a fused kernel that
 * rejects its parameters; a model that fails here is never written.
 */
final class DeploymentCheck {
  private DeploymentCheck() {}

  static void run(ModelProto quant, Dataset data, int batchSize) {
    List<String> outputs =
        quant.getGraph().getOutputList().stream().map(ValueInfoProto::getName).toList();
    Batches.Batch b = new Batches(data, batchSize).load(0);
    try (OrtModel m = new OrtModel(quant)) {
      m.run(b.data(), data.sampleShape(), b.count(), outputs);
    } catch (OnnxqException e) {
      throw new IllegalStateException(
          "onnxq produced a model that ONNX Runtime cannot run (a bug): " + e.getMessage(), e);
    }
  }
}
