package io.onnxq.ops;

import static io.onnxq.ops.FunctionBuilder.attrInt;
import static io.onnxq.ops.FunctionBuilder.attrString;

import io.onnxq.proto.Onnx.TensorProto.DataType;
import io.onnxq.runtime.IntGelu;
import java.util.List;

/**
 * {@code com.onnxq::IntGelu(X u8, zx u8, b i32, c i32, shift u8, one i32, m f32, zy u8) -> Y u8}.
 * Body mirrors {@link IntGelu#apply}: its integers are all below 2^24 ({@link IntGelu.Constants}
 * enforces it), so float32 computes them exactly and only the final {@code g * m} rounds.
 */
public final class IntGeluOp extends FunctionOp {

  public static final String NAME = "IntGelu";
  private static final List<Port> INPUTS =
      List.of(
          Port.u8("X"),
          Port.u8("zx"),
          Port.i32("b"),
          Port.i32("c"),
          Port.u8("shift"),
          Port.i32("one"),
          Port.f32("m"),
          Port.u8("zy"));
  private static final List<Port> OUTPUTS = List.of(Port.u8("Y"));

  public IntGeluOp() {
    super(
        NAME,
        INPUTS,
        OUTPUTS,
        "I-BERT integer GELU on uint8 codes, requantized to the uint8 output grid.");
  }

  @Override
  public Comparison check(CallValues v) {
    IntGelu.Constants k =
        new IntGelu.Constants(
            (int) v.scalar(2),
            (int) v.scalar(3),
            (int) v.scalar(4),
            (int) v.scalar(5),
            v.floats(6)[0]);
    byte[] y = IntGelu.apply(CallValues.bytes(v.input(0)), (int) v.scalar(1), k, (int) v.scalar(7));
    return Comparison.of(CallValues.widen(y), v.output(0).ints());
  }

  @Override
  protected void body(FunctionBuilder f) {
    // 1. q = X - zx, exact in float32
    String q = f.op("q", "Sub", f.cast("X", DataType.FLOAT), f.cast("zx", DataType.FLOAT));
    // 2. poly = (min(|q|, -b) + b)^2 + c ; erf = floor(sgn(q) * poly / 2^shift)
    String bf = f.cast("b", DataType.FLOAT);
    String t = f.op("t", "Min", f.op("absq", "Abs", q), f.op("negb", "Neg", bf));
    String u = f.op("u", "Add", t, bf);
    String poly = f.op("poly", "Add", f.op("u2", "Mul", u, u), f.cast("c", DataType.FLOAT));
    String y = f.op("y", "Mul", f.op("sgn", "Sign", q), poly);
    String p2 =
        f.cast(
            f.op(
                "p2",
                "BitShift",
                List.of(attrString("direction", "LEFT")),
                f.scalarU32(1),
                f.cast("shift", DataType.UINT32)),
            DataType.FLOAT);
    String erf = f.op("erf", "Floor", f.op("ys", "Div", y, p2));
    // 3. g = q * (erf + one): x (1 + erf(x / sqrt 2)) in units of sIn * S_erf
    String g = f.op("g", "Mul", q, f.op("e1", "Add", erf, f.cast("one", DataType.FLOAT)));
    // 4. Y = clamp(rint(g * m) + zy, 0, 255)
    String r = f.op("r", "Round", f.op("gm", "Mul", g, "m"));
    String o = f.op("o", "Add", r, f.cast("zy", DataType.FLOAT));
    String cl = f.op("cl", "Clip", o, f.scalarF32(0f), f.scalarF32(255f));
    f.opTo("Y", "Cast", List.of(attrInt("to", DataType.UINT8_VALUE)), cl);
  }
}
