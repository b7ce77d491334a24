package io.onnxq.ort;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.google.protobuf.ByteString;
import io.onnxq.OnnxqException;
import io.onnxq.proto.Onnx.ModelProto;
import io.onnxq.proto.Onnx.TensorProto;
import io.onnxq.proto.Onnx.TensorProto.DataType;
import io.onnxq.proto.Onnx.TypeProto;
import io.onnxq.proto.Onnx.ValueInfoProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates named intermediate tensors of a model in ONNX Runtime and returns them as TensorProtos
 * of their own element type. The graph normaliser uses it to fold constant and shape-derived
 * subgraphs: ORT is the reference for what those nodes compute.
 */
public final class TensorEvaluator {
  private TensorEvaluator() {}

  /**
   * Runs {@code model} (its outputs replaced by {@code tensors}) on one float input, or on none
   * when {@code inputShape} is null (a model of constants only).
   */
  public static Map<String, TensorProto> evaluate(
      ModelProto model, List<String> tensors, String inputName, long[] inputShape) {
    ModelProto.Builder b = model.toBuilder();
    b.getGraphBuilder().clearOutput();
    for (String t : tensors) {
      b.getGraphBuilder()
          .addOutput(
              ValueInfoProto.newBuilder().setName(t).setType(TypeProto.getDefaultInstance()));
    }
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
      opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
      opts.setIntraOpNumThreads(1);
      // ORT warns about each unused Constant of a sub-model, and logs the batch-2 run of a model
      // that
      // only runs at batch 1 as an error; both are expected here, and failures arrive as
      // exceptions.
      opts.setSessionLogLevel(ai.onnxruntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL);
      try (OrtSession session = env.createSession(b.build().toByteArray(), opts)) {
        Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
        try {
          if (inputShape != null) {
            long n = 1;
            for (long d : inputShape) n *= d;
            inputs.put(
                inputName,
                OnnxTensor.createTensor(env, FloatBuffer.wrap(new float[(int) n]), inputShape));
          }
          try (OrtSession.Result r = session.run(inputs)) {
            Map<String, TensorProto> out = new LinkedHashMap<>();
            for (Map.Entry<String, OnnxValue> e : r)
              out.put(e.getKey(), toProto(e.getKey(), (OnnxTensor) e.getValue()));
            return out;
          }
        } finally {
          for (OnnxTensor t : inputs.values()) t.close();
        }
      }
    } catch (OrtException e) {
      throw new OnnxqException(
          "ONNX Runtime failed to evaluate constant subgraphs: "
              + OrtModel.firstLine(e.getMessage()),
          e);
    }
  }

  private static TensorProto toProto(String name, OnnxTensor t) {
    long[] shape = t.getInfo().getShape();
    TensorProto.Builder b = TensorProto.newBuilder().setName(name);
    for (long d : shape) b.addDims(d);
    ByteBuffer raw;
    DataType type;
    switch (t.getInfo().type) {
      case FLOAT -> {
        type = DataType.FLOAT;
        raw = bytes(t.getFloatBuffer().remaining() * 4);
        raw.asFloatBuffer().put(t.getFloatBuffer());
      }
      case DOUBLE -> {
        type = DataType.DOUBLE;
        raw = bytes(t.getDoubleBuffer().remaining() * 8);
        raw.asDoubleBuffer().put(t.getDoubleBuffer());
      }
      case INT64 -> {
        type = DataType.INT64;
        raw = bytes(t.getLongBuffer().remaining() * 8);
        raw.asLongBuffer().put(t.getLongBuffer());
      }
      case INT32 -> {
        type = DataType.INT32;
        raw = bytes(t.getIntBuffer().remaining() * 4);
        raw.asIntBuffer().put(t.getIntBuffer());
      }
      case INT8, UINT8, BOOL -> {
        type =
            switch (t.getInfo().type) {
              case INT8 -> DataType.INT8;
              case UINT8 -> DataType.UINT8;
              default -> DataType.BOOL;
            };
        ByteBuffer src = t.getByteBuffer();
        raw = bytes(src.remaining());
        raw.put(src);
      }
      default ->
          throw new OnnxqException("cannot fold tensor '" + name + "' of type " + t.getInfo().type);
    }
    raw.rewind();
    return b.setDataType(type.getNumber()).setRawData(ByteString.copyFrom(raw)).build();
  }

  private static ByteBuffer bytes(int n) {
    return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
  }
}
