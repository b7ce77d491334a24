package io.onnxq.ops;

import com.google.protobuf.ByteString;
import io.onnxq.proto.Onnx;
import io.onnxq.proto.Onnx.AttributeProto;
import io.onnxq.proto.Onnx.TensorProto.DataType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Small builder so function bodies read as a sequence of ONNX ops. Every intermediate gets a unique
 * name {@code <hint>_<counter>}; the hint only helps when reading a dumped model.
 */
final class FunctionBuilder {

  private final Onnx.FunctionProto.Builder fn;
  private int counter;

  FunctionBuilder(String name, List<String> inputs, List<String> outputs, String doc) {
    fn =
        Onnx.FunctionProto.newBuilder()
            .setName(name)
            .setDomain(CustomOps.DOMAIN)
            .setDocString(doc)
            .addAllInput(inputs)
            .addAllOutput(outputs)
            .addOpsetImport(CustomOps.opset("", CustomOps.ONNX_OPSET));
  }

  Onnx.FunctionProto build() {
    return fn.build();
  }

  /** Adds {@code opType(inputs)} and returns its (fresh) output name. */
  String op(String hint, String opType, String... inputs) {
    return op(hint, opType, List.of(), inputs);
  }

  String op(String hint, String opType, List<AttributeProto> attrs, String... inputs) {
    String out = hint + "_" + (counter++);
    opTo(out, opType, attrs, inputs);
    return out;
  }

  /** Adds a node writing the given (formal output) name. */
  void opTo(String output, String opType, List<AttributeProto> attrs, String... inputs) {
    fn.addNode(
        Onnx.NodeProto.newBuilder()
            .setOpType(opType)
            .addAllInput(List.of(inputs))
            .addOutput(output)
            .addAllAttribute(attrs));
  }

  /**
   * Integer max as Where(Greater). ORT 1.29's int64 Max/Min are wrong when two values share the
   * high 32 bits and differ in bit 31 of the low word (e.g. max(2^31, 0) == 0); compares are exact.
   */
  String imax(String a, String b) {
    return op("max", "Where", op("gt", "Greater", a, b), a, b);
  }

  /** Integer min as Where(Less); see {@link #imax}. */
  String imin(String a, String b) {
    return op("min", "Where", op("lt", "Less", a, b), a, b);
  }

  /**
   * Exact integer sum over the last axis, keeping it as size 1. ORT 1.29's int64 ReduceSum loses
   * low bits once sums pass 2^53 (it goes through double); CumSum is an exact integer loop.
   */
  String sumLast(String x) {
    String cum = op("cumsum", "CumSum", x, scalarI64(-1));
    return op("sum", "Slice", cum, vectorI64(-1), vectorI64(Long.MAX_VALUE), vectorI64(-1));
  }

  /** A tensor viewed as [1, size]. */
  String flat(String t) {
    return op("flat", "Reshape", t, vectorI64(1, -1));
  }

  /**
   * {@code table[idx]} for a 1-D table and indices of shape [1, size], by GatherElements: ORT's
   * Gather copies element by element, several times slower for one value per index.
   */
  String lookup(String table, String idx) {
    String t = op("t", "Unsqueeze", table, vectorI64(0));
    return op("lk", "GatherElements", List.of(attrInt("axis", 1)), t, idx);
  }

  String cast(String x, DataType to) {
    return op(x + "_" + to.name().toLowerCase(), "Cast", List.of(attrInt("to", to.getNumber())), x);
  }

  // ---- constants (scalars have shape [], vectors shape [n]) ----

  String scalarI64(long v) {
    return constant("c_i64", DataType.INT64, new long[0], le(8).putLong(v));
  }

  String vectorI64(long... v) {
    ByteBuffer b = le(8 * v.length);
    for (long x : v) {
      b.putLong(x);
    }
    return constant("c_i64v", DataType.INT64, new long[] {v.length}, b);
  }

  String scalarI32(int v) {
    return constant("c_i32", DataType.INT32, new long[0], le(4).putInt(v));
  }

  String scalarU8(int v) {
    return constant("c_u8", DataType.UINT8, new long[0], le(1).put((byte) v));
  }

  String scalarU32(int v) {
    return constant("c_u32", DataType.UINT32, new long[0], le(4).putInt(v));
  }

  String scalarU64(long v) {
    return constant("c_u64", DataType.UINT64, new long[0], le(8).putLong(v));
  }

  String scalarF64(double v) {
    return constant("c_f64", DataType.DOUBLE, new long[0], le(8).putDouble(v));
  }

  String vectorU8(byte... v) {
    return constant("c_u8v", DataType.UINT8, new long[] {v.length}, le(v.length).put(v));
  }

  String scalarF32(float v) {
    return constant("c_f32", DataType.FLOAT, new long[0], le(4).putFloat(v));
  }

  String vectorF32(float... v) {
    ByteBuffer b = le(4 * v.length);
    for (float x : v) {
      b.putFloat(x);
    }
    return constant("c_f32v", DataType.FLOAT, new long[] {v.length}, b);
  }

  private String constant(String hint, DataType type, long[] dims, ByteBuffer data) {
    Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setDataType(type.getNumber());
    for (long d : dims) {
      t.addDims(d);
    }
    t.setRawData(ByteString.copyFrom(data.flip()));
    AttributeProto value =
        AttributeProto.newBuilder()
            .setName("value")
            .setType(AttributeProto.AttributeType.TENSOR)
            .setT(t)
            .build();
    return op(hint, "Constant", List.of(value));
  }

  private static ByteBuffer le(int bytes) {
    return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
  }

  // ---- attributes ----

  static AttributeProto attrInt(String name, long v) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.INT)
        .setI(v)
        .build();
  }

  static AttributeProto attrString(String name, String v) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.STRING)
        .setS(ByteString.copyFromUtf8(v))
        .build();
  }

  static List<AttributeProto> attrs(AttributeProto... a) {
    return new ArrayList<>(List.of(a));
  }
}
