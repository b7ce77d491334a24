package io.onnxq.model;

import com.google.protobuf.ByteString;
import io.onnxq.OnnxqException;
import io.onnxq.proto.Onnx.TensorProto;
import io.onnxq.proto.Onnx.TensorProto.DataType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Conversions between TensorProto and Java arrays. ONNX raw_data is little-endian. */
public final class Tensors {
  private Tensors() {}

  public static int[] shape(TensorProto t) {
    int[] s = new int[t.getDimsCount()];
    for (int i = 0; i < s.length; i++) s[i] = Math.toIntExact(t.getDims(i));
    return s;
  }

  public static long numel(int[] shape) {
    long n = 1;
    for (int d : shape) n *= d;
    return n;
  }

  private static ByteBuffer raw(TensorProto t) {
    return t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Any numeric tensor as float32 values. */
  public static float[] toFloats(TensorProto t) {
    int n = (int) numel(shape(t));
    float[] out = new float[n];
    boolean hasRaw = t.hasRawData();
    switch (DataType.forNumber(t.getDataType())) {
      case FLOAT -> {
        if (hasRaw) raw(t).asFloatBuffer().get(out);
        else for (int i = 0; i < n; i++) out[i] = t.getFloatData(i);
      }
      case DOUBLE -> {
        if (hasRaw) {
          var b = raw(t).asDoubleBuffer();
          for (int i = 0; i < n; i++) out[i] = (float) b.get(i);
        } else for (int i = 0; i < n; i++) out[i] = (float) t.getDoubleData(i);
      }
      case INT64 -> {
        long[] v = toLongs(t);
        for (int i = 0; i < n; i++) out[i] = v[i];
      }
      case INT32, INT8, UINT8, INT16, UINT16, BOOL -> {
        long[] v = toLongs(t);
        for (int i = 0; i < n; i++) out[i] = v[i];
      }
      default ->
          throw new OnnxqException(
              "tensor '"
                  + t.getName()
                  + "' has unsupported type "
                  + DataType.forNumber(t.getDataType())
                  + " for float conversion");
    }
    return out;
  }

  /** Integer tensors (and float ones, truncated) as int64 values. */
  public static long[] toLongs(TensorProto t) {
    int n = (int) numel(shape(t));
    long[] out = new long[n];
    boolean hasRaw = t.hasRawData();
    DataType type = DataType.forNumber(t.getDataType());
    switch (type) {
      case INT64 -> {
        if (hasRaw) raw(t).asLongBuffer().get(out);
        else for (int i = 0; i < n; i++) out[i] = t.getInt64Data(i);
      }
      case INT32 -> {
        if (hasRaw) {
          var b = raw(t).asIntBuffer();
          for (int i = 0; i < n; i++) out[i] = b.get(i);
        } else for (int i = 0; i < n; i++) out[i] = t.getInt32Data(i);
      }
      case INT8, UINT8, BOOL -> {
        if (hasRaw) {
          ByteBuffer b = raw(t);
          for (int i = 0; i < n; i++) out[i] = type == DataType.INT8 ? b.get(i) : (b.get(i) & 0xff);
        } else for (int i = 0; i < n; i++) out[i] = t.getInt32Data(i);
      }
      case INT16, UINT16 -> {
        if (hasRaw) {
          var b = raw(t).asShortBuffer();
          for (int i = 0; i < n; i++)
            out[i] = type == DataType.INT16 ? b.get(i) : (b.get(i) & 0xffff);
        } else for (int i = 0; i < n; i++) out[i] = t.getInt32Data(i);
      }
      case FLOAT, DOUBLE -> {
        float[] f = toFloats(t);
        for (int i = 0; i < n; i++) out[i] = (long) f[i];
      }
      default ->
          throw new OnnxqException("tensor '" + t.getName() + "' has unsupported type " + type);
    }
    return out;
  }

  public static TensorProto floats(String name, float[] data, int... shape) {
    ByteBuffer b = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(data);
    return build(name, DataType.FLOAT, b, shape);
  }

  public static TensorProto int32s(String name, int[] data, int... shape) {
    ByteBuffer b = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asIntBuffer().put(data);
    return build(name, DataType.INT32, b, shape);
  }

  public static TensorProto int64s(String name, long[] data, int... shape) {
    ByteBuffer b = ByteBuffer.allocate(data.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    b.asLongBuffer().put(data);
    return build(name, DataType.INT64, b, shape);
  }

  /**
   * 8-bit tensor (INT8 or UINT8) from bytes already holding the two's-complement / unsigned codes.
   */
  public static TensorProto bytes(String name, DataType type, byte[] data, int... shape) {
    return build(name, type, ByteBuffer.wrap(data), shape);
  }

  /** 4-bit tensor (UINT4 or INT4, opset 21): two codes per byte, the first in the low nibble. */
  public static TensorProto nibbles(String name, DataType type, byte[] codes, int... shape) {
    byte[] packed = new byte[(codes.length + 1) / 2];
    for (int i = 0; i < codes.length; i++)
      packed[i / 2] |= (byte) ((codes[i] & 0x0f) << (4 * (i % 2)));
    return build(name, type, ByteBuffer.wrap(packed), shape);
  }

  private static TensorProto build(String name, DataType type, ByteBuffer data, int[] shape) {
    TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(type.getNumber());
    for (int d : shape) b.addDims(d);
    data.rewind();
    return b.setRawData(ByteString.copyFrom(data)).build();
  }
}
