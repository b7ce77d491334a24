package io.onnxq.ops;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.google.protobuf.ByteString;
import io.onnxq.proto.Onnx;
import io.onnxq.proto.Onnx.TensorProto.DataType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Runs a one-node model calling a custom op (inlined model-local function) in ONNX Runtime. */
final class OrtHarness {

  static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();
  static final List<OrtSession.SessionOptions.OptLevel> LEVELS =
      List.of(
          OrtSession.SessionOptions.OptLevel.NO_OPT, OrtSession.SessionOptions.OptLevel.ALL_OPT);

  /**
   * A tensor value as little-endian raw bytes (fed as-is: assumes a little-endian host). Constant
   * ones become initializers.
   */
  record Value(String name, DataType type, long[] shape, byte[] raw, boolean constant) {}

  private OrtHarness() {}

  static Value u8(String name, long[] shape, byte[] data, boolean constant) {
    return new Value(name, DataType.UINT8, shape, data.clone(), constant);
  }

  static Value u8Scalar(String name, int v, boolean constant) {
    return new Value(name, DataType.UINT8, new long[0], new byte[] {(byte) v}, constant);
  }

  static Value i32Scalar(String name, int v, boolean constant) {
    return new Value(name, DataType.INT32, new long[0], le(4).putInt(v).array(), constant);
  }

  static Value i64Scalar(String name, long v, boolean constant) {
    return new Value(name, DataType.INT64, new long[0], le(8).putLong(v).array(), constant);
  }

  static Value i64(String name, long[] shape, long[] data, boolean constant) {
    ByteBuffer b = le(8 * data.length);
    for (long v : data) {
      b.putLong(v);
    }
    return new Value(name, DataType.INT64, shape, b.array(), constant);
  }

  /** uint16 values; ORT Java cannot create uint16 tensors, so use these as initializers only. */
  static Value u16(String name, long[] shape, int[] data, boolean constant) {
    ByteBuffer b = le(2 * data.length);
    for (int v : data) {
      b.putShort((short) v);
    }
    return new Value(name, DataType.UINT16, shape, b.array(), constant);
  }

  static long[] asLongs(byte[] raw) {
    long[] r = new long[raw.length / 8];
    ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(r);
    return r;
  }

  static Value f32(String name, long[] shape, float[] data, boolean constant) {
    ByteBuffer b = le(4 * data.length);
    for (float f : data) {
      b.putFloat(f);
    }
    return new Value(name, DataType.FLOAT, shape, b.array(), constant);
  }

  private static ByteBuffer le(int n) {
    return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
  }

  static Onnx.ModelProto model(CustomOp op, List<Value> ins, Map<String, DataType> outs) {
    Onnx.GraphProto.Builder g = Onnx.GraphProto.newBuilder().setName("single_" + op.name());
    List<String> inNames = new ArrayList<>();
    for (Value v : ins) {
      inNames.add(v.name());
      if (v.constant()) {
        Onnx.TensorProto.Builder t =
            Onnx.TensorProto.newBuilder()
                .setName(v.name())
                .setDataType(v.type().getNumber())
                .setRawData(ByteString.copyFrom(v.raw()));
        for (long d : v.shape()) {
          t.addDims(d);
        }
        g.addInitializer(t);
      } else {
        g.addInput(valueInfo(v.name(), v.type(), v.shape()));
      }
    }
    for (Map.Entry<String, DataType> o : outs.entrySet()) {
      g.addOutput(valueInfo(o.getKey(), o.getValue(), null));
    }
    g.addNode(op.call("call", inNames, new ArrayList<>(outs.keySet())));
    return Onnx.ModelProto.newBuilder()
        .setIrVersion(CustomOps.IR_VERSION)
        .setProducerName("onnxq-test")
        .addAllOpsetImport(CustomOps.modelOpsetImports())
        .addFunctions(op.function())
        .setGraph(g)
        .build();
  }

  private static Onnx.ValueInfoProto valueInfo(String name, DataType type, long[] shape) {
    Onnx.TypeProto.Tensor.Builder tt =
        Onnx.TypeProto.Tensor.newBuilder().setElemType(type.getNumber());
    if (shape != null) {
      Onnx.TensorShapeProto.Builder s = Onnx.TensorShapeProto.newBuilder();
      for (long d : shape) {
        s.addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
      }
      tt.setShape(s);
    }
    return Onnx.ValueInfoProto.newBuilder()
        .setName(name)
        .setType(Onnx.TypeProto.newBuilder().setTensorType(tt))
        .build();
  }

  /** Runs the op once per optimization level; returns raw little-endian output bytes per level. */
  static List<Map<String, byte[]>> runAllLevels(
      CustomOp op, List<Value> ins, Map<String, DataType> outs) throws OrtException {
    byte[] bytes = model(op, ins, outs).toByteArray();
    List<Map<String, byte[]>> results = new ArrayList<>();
    for (OrtSession.SessionOptions.OptLevel level : LEVELS) {
      results.add(run(bytes, ins, outs, level));
    }
    return results;
  }

  static Map<String, byte[]> run(
      byte[] model,
      List<Value> ins,
      Map<String, DataType> outs,
      OrtSession.SessionOptions.OptLevel level)
      throws OrtException {
    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
      opts.setOptimizationLevel(level);
      try (OrtSession session = ENV.createSession(model, opts)) {
        Map<String, OnnxTensor> feed = new HashMap<>();
        try {
          for (Value v : ins) {
            if (!v.constant()) {
              feed.put(v.name(), tensor(v));
            }
          }
          try (OrtSession.Result r = session.run(feed)) {
            Map<String, byte[]> out = new LinkedHashMap<>();
            for (String name : outs.keySet()) {
              OnnxTensor t = (OnnxTensor) r.get(name).orElseThrow();
              ByteBuffer b = t.getByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
              byte[] raw = new byte[b.remaining()];
              b.get(raw);
              out.put(name, raw);
            }
            return out;
          }
        } finally {
          for (OnnxTensor t : feed.values()) {
            t.close();
          }
        }
      }
    }
  }

  private static OnnxTensor tensor(Value v) throws OrtException {
    ByteBuffer b = ByteBuffer.allocateDirect(v.raw().length).order(ByteOrder.nativeOrder());
    b.put(v.raw()).flip();
    OnnxJavaType jt =
        switch (v.type()) {
          case UINT8 -> OnnxJavaType.UINT8;
          case INT64 -> OnnxJavaType.INT64;
          case INT32 -> OnnxJavaType.INT32;
          case FLOAT -> OnnxJavaType.FLOAT;
          default ->
              throw new IllegalArgumentException(
                  "unsupported feed type "
                      + v.type()
                      + (v.type() == DataType.UINT16
                          ? " (ORT Java has no uint16: make it an initializer)"
                          : ""));
        };
    return OnnxTensor.createTensor(ENV, b, v.shape(), jt);
  }

  static int[] asInts(byte[] raw) {
    int[] r = new int[raw.length / 4];
    ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(r);
    return r;
  }
}
