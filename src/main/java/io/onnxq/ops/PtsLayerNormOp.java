package io.onnxq.ops;

import static io.onnxq.ops.FunctionBuilder.attrInt;
import static io.onnxq.ops.FunctionBuilder.attrString;

import io.onnxq.proto.Onnx.TensorProto.DataType;
import io.onnxq.runtime.PtsLayerNorm;
import java.util.List;

/**
 * {@code com.onnxq::PtsLayerNorm(X u8 [...,C], zx u8, alpha u8 [C], G f32 [C], Bt f32 [C], zy u8)
 * -> Y u8 [...,C]}. Body computes {@link PtsLayerNorm#apply} exactly: its float32 steps as the same
 * float32 ops in the same order, its integer steps in float32 or double where every value is an
 * integer the format holds exactly (row sums, the final accumulator), and the shift from exact
 * power-of-two exponents of |G| and sd plus one compare instead of counting 31 thresholds.
 */
public final class PtsLayerNormOp extends FunctionOp {

  public static final String NAME = "PtsLayerNorm";
  private static final List<Port> INPUTS =
      List.of(
          Port.u8("X"),
          Port.u8("zx"),
          Port.u8("alpha"),
          Port.f32("G"),
          Port.f32("Bt"),
          Port.u8("zy"));
  private static final List<Port> OUTPUTS = List.of(Port.u8("Y"));

  /** |G| is clamped to [2^-24, 2^40]: past those the clamped shift no longer depends on it. */
  private static final int G_EXP_MAX = 40;

  /** sd = sqrt(D) < 2040 * C < 2^27. */
  private static final int SD_EXP_MAX = 27;

  public PtsLayerNormOp() {
    super(
        NAME,
        INPUTS,
        OUTPUTS,
        "FQ-ViT integer LayerNorm over the last axis with power-of-two channel factors alpha.");
  }

  @Override
  public Comparison check(CallValues v) {
    var x = v.input(0);
    int c = CallValues.lastDim(x);
    long[] alpha = v.longs(2);
    byte[] a = new byte[alpha.length];
    for (int i = 0; i < a.length; i++) a[i] = (byte) alpha[i];
    PtsLayerNorm.Constants k = new PtsLayerNorm.Constants(v.floats(3), v.floats(4));
    byte[] y =
        PtsLayerNorm.apply(
            CallValues.bytes(x), x.count() / c, c, (int) v.scalar(1), a, k, (int) v.scalar(5));
    return Comparison.of(CallValues.widen(y), v.output(0).ints());
  }

  @Override
  protected void body(FunctionBuilder f) {
    String lastAxis = f.vectorI64(-1);
    // 1. xt = (X - zx) * 2^alpha: integers |xt| <= 2040, exact in float32
    String pa =
        f.cast(
            f.op(
                "pa",
                "BitShift",
                List.of(attrString("direction", "LEFT")),
                f.scalarU32(1),
                f.cast("alpha", DataType.UINT32)),
            DataType.FLOAT);
    String d = f.op("d", "Sub", f.cast("X", DataType.FLOAT), f.cast("zx", DataType.FLOAT));
    String xt = f.op("xt", "Mul", d, pa);
    // 2. S1, S2, D = C*S2 - S1^2 in double: every partial sum is an integer below 2^53
    //    (C*S2 <= (2040*C)^2 for C <= 46,500), so any summation order is exact
    String xd = f.cast(xt, DataType.DOUBLE);
    String s1 = f.op("S1", "ReduceSum", xd, lastAxis);
    String s2 = f.op("S2", "ReduceSumSquare", xd, lastAxis);
    String cI = f.op("C", "Shape", "G");
    String dd =
        f.op(
            "D",
            "Sub",
            f.op("CS2", "Mul", f.cast(cI, DataType.DOUBLE), s2),
            f.op("S1sq", "Mul", s1, s1));
    // 3. sd = sqrt(max((float) D, 1)); D is exact in double, so the float Cast rounds it as Java
    //    rounds the long; sd is in [1, 2^27)
    String sd = f.op("sd", "Sqrt", f.op("Dg", "Max", f.cast(dd, DataType.FLOAT), f.scalarF32(1f)));
    // 4. A = G / sd
    String a = f.op("A", "Div", "G", sd);
    String absA = f.op("absA", "Abs", a);
    // 5. p2 = 2^N = 2^(7 - e), e = clamp(floor(log2 |A|), -24, 7). floor(log2 |A|) is
    //    eg - es or eg - es - 1 for eg = floor(log2 |G|) (per channel) and es = floor(log2 sd) (per
    //    row), so 2^(7 - clamp(eg - es)) is exact or twice too small; one compare fixes it.
    String absG =
        f.op(
            "absG",
            "Clip",
            f.op("absG0", "Abs", "G"),
            f.scalarF32(Math.scalb(1f, PtsLayerNorm.E_MIN)),
            f.scalarF32(Math.scalb(1f, G_EXP_MAX)));
    String pg = invPow2(f, absG, PtsLayerNorm.E_MIN, G_EXP_MAX); // 2^-eg
    String pes = invPow2(f, sd, 0, SD_EXP_MAX); // 2^-es
    String pw =
        f.op(
            "pw",
            "Clip",
            f.op("pw0", "Div", f.op("pg128", "Mul", pg, f.scalarF32(1 << PtsLayerNorm.E_MAX)), pes),
            f.scalarF32(1f),
            f.scalarF32(Math.scalb(1f, PtsLayerNorm.E_MAX - PtsLayerNorm.E_MIN)));
    String x =
        f.op(
            "x",
            "Clip",
            absA,
            f.scalarF32(Math.scalb(1f, PtsLayerNorm.E_MIN)),
            f.scalarF32(1 << PtsLayerNorm.E_MAX));
    String low = f.op("low", "Less", f.op("xw", "Mul", x, pw), f.scalarF32(128f));
    String p2 = f.op("p2", "Mul", pw, f.op("fix", "Where", low, f.scalarF32(2f), f.scalarF32(1f)));
    // 6. sign*M with M = min(floor(|A| * 2^N), 255); sign(A) = sign(G) wherever M != 0
    String m =
        f.op(
            "M",
            "Min",
            f.op("Mf", "Floor", f.op("As", "Mul", absA, p2)),
            f.scalarF32(PtsLayerNorm.M_MAX));
    String smx = f.op("smx", "Mul", f.op("sm", "Mul", f.op("sgn", "Sign", "G"), m), xt);
    // 7. B = rint((Bt - ((float) S1 / sd) * (G / C)) * 2^N), float32 op by op
    String mu = f.op("mu", "Div", f.cast(s1, DataType.FLOAT), sd);
    String g = f.op("g", "Div", "G", f.cast(cI, DataType.FLOAT));
    String u = f.op("u", "Sub", "Bt", f.op("mug", "Mul", mu, g));
    String b = f.op("B", "Round", f.op("v", "Mul", u, p2));
    // 8. y = floorDiv(sign*M*xt + B + 2^N/2, 2^N) + zy = floor((smx + B) / 2^N + zy + 1/2): the
    //    integer smx + B is exact in double below 2^53 (beyond, both sides clamp alike); N = 0
    //    needs no special case since floor(integer + 1/2) is the integer.
    String t = f.op("t", "Add", f.cast(smx, DataType.DOUBLE), f.cast(b, DataType.DOUBLE));
    String zyh = f.op("zyh", "Add", f.cast("zy", DataType.DOUBLE), f.scalarF64(0.5));
    String q =
        f.op(
            "q",
            "Floor",
            f.op("qa", "Add", f.op("qd", "Div", t, f.cast(p2, DataType.DOUBLE)), zyh));
    String y = f.op("y", "Clip", q, f.scalarF64(0), f.scalarF64(255));
    f.opTo("Y", "Cast", List.of(attrInt("to", DataType.UINT8_VALUE)), y);
  }

  /**
   * Exact {@code 2^-floor(log2 z)} for z in [2^lo, 2^hi]: the Log estimate of the exponent is
   * within one of the true one, so z * 2^-estimate is in [1/2, 4) and its integer part picks the
   * exact correction factor. Log's rounding never reaches the result.
   */
  private static String invPow2(FunctionBuilder f, String z, int lo, int hi) {
    int offset = 1 - lo; // estimate + offset in [0, hi - lo + 2]
    float[] table = new float[hi - lo + 3];
    for (int i = 0; i < table.length; i++) {
      table[i] = Math.scalb(1f, offset - i);
    }
    String log2 = f.op("log2", "Mul", f.op("ln", "Log", z), f.scalarF32((float) (1 / Math.log(2))));
    // the index is positive, so the truncating Cast is floor
    String index = f.cast(f.op("ei", "Add", log2, f.scalarF32(offset)), DataType.INT32);
    String estimate = f.op("est", "Gather", f.vectorF32(table), index);
    String scaled = f.op("zs", "Mul", z, estimate);
    String fix =
        f.op("efix", "Gather", f.vectorF32(2f, 1f, 0.5f, 0.5f), f.cast(scaled, DataType.INT32));
    return f.op("ipow2", "Mul", estimate, fix);
  }
}
