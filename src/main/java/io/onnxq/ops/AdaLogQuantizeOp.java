package io.onnxq.ops;

import static io.onnxq.ops.FunctionBuilder.attrInt;

import io.onnxq.proto.Onnx.TensorProto.DataType;
import io.onnxq.runtime.AdaLogQuantizeKernel;
import java.util.List;

/**
 * {@code com.onnxq::AdaLogQuantize(X f32 [...], h f32, s f32, thresholds f32 [L]) -> K u8 [...]}
 * and its wide twin {@code AdaLogQuantize16} (same inputs, K u16). Body mirrors {@link
 * AdaLogQuantizeKernel#apply}. The carrier is fixed per op name because a function body has no
 * attributes: the masked code L = 2^n is 256 for 8-bit AdaLog and does not fit in uint8.
 */
public final class AdaLogQuantizeOp extends FunctionOp {

  public static final String NAME = "AdaLogQuantize";
  public static final String NAME16 = "AdaLogQuantize16";
  private static final List<Port> INPUTS =
      List.of(Port.f32("X"), Port.f32("h"), Port.f32("s"), Port.f32("thresholds"));

  /** uint8 carrier: codes 0..L with L <= 255, i.e. n <= 7. */
  public static final AdaLogQuantizeOp U8 = new AdaLogQuantizeOp(NAME, DataType.UINT8);

  /** uint16 carrier, needed for n = 8 (masked code 256). */
  public static final AdaLogQuantizeOp U16 = new AdaLogQuantizeOp(NAME16, DataType.UINT16);

  private final DataType carrier;

  private AdaLogQuantizeOp(String name, DataType carrier) {
    super(name, INPUTS, List.of(new Port("K", carrier)), doc(carrier));
    this.carrier = carrier;
  }

  private static String doc(DataType carrier) {
    return "AdaLog codes: k = #{j : (X + h) / s <= thresholds[j]}; NaN gives the masked code L = |thresholds| "
        + "(t <= 0 reaches L by itself). Output "
        + carrier.name().toLowerCase()
        + ".";
  }

  /** The variant whose carrier holds all codes of an n-bit quantizer (0..2^n). */
  public static AdaLogQuantizeOp forBits(int bits) {
    return bits <= 7 ? U8 : U16;
  }

  /** ONNX element type of K. */
  public DataType carrier() {
    return carrier;
  }

  /**
   * Codes are compared unwrapped: a uint8 op asked for 8-bit AdaLog (code 256 -> 0) shows up as a
   * mismatch.
   */
  @Override
  public Comparison check(CallValues v) {
    int[] k =
        AdaLogQuantizeKernel.apply(
            v.input(0).floats(), v.floats(1)[0], v.floats(2)[0], v.floats(3));
    return Comparison.of(CallValues.widen(k), v.output(0).ints());
  }

  @Override
  protected void body(FunctionBuilder f) {
    String lastAxis = f.vectorI64(-1);
    // t in float32, Add then Div: the same two roundings as AdaLogQuantizer.quantize
    String t = f.op("t", "Div", f.op("xh", "Add", "X", "h"), "s");
    String hits =
        f.cast(
            f.op("le", "LessOrEqual", f.op("t_u", "Unsqueeze", t, lastAxis), "thresholds"),
            DataType.INT64);
    // Counts <= 256 are exact through ReduceSum's double path (as in LogIntSoftmaxOp); sumLast's
    // CumSum would materialize a second [..., L] int64 tensor for nothing.
    String k = f.op("k", "ReduceSum", List.of(attrInt("keepdims", 0)), hits, lastAxis);
    // NaN fails every compare (count 0) but must be masked; Size gives L as an int64 scalar.
    k = f.op("k_nan", "Where", f.op("nan", "IsNaN", t), f.op("L", "Size", "thresholds"), k);
    f.opTo("K", "Cast", List.of(attrInt("to", carrier.getNumber())), k);
  }
}
