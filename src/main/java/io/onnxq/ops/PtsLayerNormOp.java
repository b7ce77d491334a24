package io.onnxq.ops;

import static io.onnxq.ops.FunctionBuilder.attrInt;
import static io.onnxq.ops.FunctionBuilder.attrString;

import io.onnxq.proto.Onnx;
import io.onnxq.proto.Onnx.TensorProto.DataType;
import io.onnxq.runtime.PtsLayerNorm;
import java.util.List;

/**
 * {@code com.onnxq::PtsLayerNorm(X u8 [...,C], zx u8, alpha u8 [C], G f32 [C], Bt f32 [C], zy u8)
 * -> Y u8 [...,C]}. Body mirrors {@link PtsLayerNorm#apply}, float32 ops in the same order.
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
    String oneU64 = f.scalarU64(1);
    List<Onnx.AttributeProto> left = List.of(attrString("direction", "LEFT"));

    // 1. xt = (X - zx) * 2^alpha  (BitShift is unsigned-only and X - zx is signed, so multiply)
    String d = f.op("d", "Sub", f.cast("X", DataType.INT64), f.cast("zx", DataType.INT64));
    String pa = f.op("pa", "BitShift", left, oneU64, f.cast("alpha", DataType.UINT64));
    String xt = f.op("xt", "Mul", d, f.cast(pa, DataType.INT64));
    // 2. S1, S2, D = C*S2 - S1^2   (C taken from G's shape, so no extra input)
    String cI = f.op("C", "Shape", "G");
    String s1 = f.sumLast(xt);
    String s2 = f.sumLast(f.op("xt2", "Mul", xt, xt));
    String dd = f.op("D", "Sub", f.op("CS2", "Mul", cI, s2), f.op("S1sq", "Mul", s1, s1));
    // 3. sd = sqrt(max((float) D, 1)); D is integral, so this only replaces D == 0 by 1
    String sd = f.op("sd", "Sqrt", f.op("Dg", "Max", f.cast(dd, DataType.FLOAT), f.scalarF32(1f)));
    // 4. A = G / sd
    String a = f.op("A", "Div", "G", sd);
    String absA = f.op("absA", "Abs", a);
    // 5. N = 31 - #{t in -23..7 : |A| >= 2^t}
    int count = PtsLayerNorm.E_MAX - PtsLayerNorm.E_MIN;
    float[] thr = new float[count];
    for (int i = 0; i < count; i++) {
      thr[i] = Math.scalb(1.0f, PtsLayerNorm.E_MIN + 1 + i);
    }
    String hits =
        f.cast(
            f.op(
                "ge",
                "GreaterOrEqual",
                f.op("absA_u", "Unsqueeze", absA, lastAxis),
                f.vectorF32(thr)),
            DataType.INT64);
    // counts <= 31 are exact even through ReduceSum's double path
    String cnt = f.op("cnt", "ReduceSum", List.of(attrInt("keepdims", 0)), hits, lastAxis);
    String n = f.op("N", "Sub", f.scalarI64(count), cnt);
    String p2u = f.op("p2u", "BitShift", left, oneU64, f.cast(n, DataType.UINT64));
    String p2f = f.cast(p2u, DataType.FLOAT);
    String p2i = f.cast(p2u, DataType.INT64);
    // 6. M = min(floor(|A| * 2^N), 255), sign = A < 0 ? -1 : 1
    String m =
        f.imin(
            f.cast(f.op("Mf", "Floor", f.op("As", "Mul", absA, p2f)), DataType.INT64),
            f.scalarI64(PtsLayerNorm.M_MAX));
    String sign =
        f.op(
            "sign",
            "Where",
            f.op("neg", "Less", a, f.scalarF32(0f)),
            f.scalarI64(-1),
            f.scalarI64(1));
    // 7. B = rint((Bt - ((float) S1 / sd) * (G / C)) * 2^N)
    String mu = f.op("mu", "Div", f.cast(s1, DataType.FLOAT), sd);
    String g = f.op("g", "Div", "G", f.cast(cI, DataType.FLOAT));
    String u = f.op("u", "Sub", "Bt", f.op("mug", "Mul", mu, g));
    String b = f.cast(f.op("Br", "Round", f.op("v", "Mul", u, p2f)), DataType.INT64);
    // 8. y = floorDiv(sign*M*xt + B + 2^N/2, 2^N) + zy, clamped; floorDiv via floor-mod (fmod=0)
    String acc =
        f.op(
            "acc",
            "Add",
            f.op("accb", "Add", f.op("smx", "Mul", f.op("sm", "Mul", sign, m), xt), b),
            f.op("half", "Div", p2i, f.scalarI64(2)));
    String fl =
        f.op(
            "fl",
            "Div",
            f.op("am", "Sub", acc, f.op("mod", "Mod", List.of(attrInt("fmod", 0)), acc, p2i)),
            p2i);
    String y = f.op("y", "Add", fl, f.cast("zy", DataType.INT64));
    y = f.imax(f.imin(y, f.scalarI64(255)), f.scalarI64(0));
    f.opTo("Y", "Cast", List.of(attrInt("to", DataType.UINT8_VALUE)), y);
  }
}
