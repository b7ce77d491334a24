package io.onnxq.ops;

import static io.onnxq.ops.FunctionBuilder.attrInt;
import static io.onnxq.ops.FunctionBuilder.attrString;

import io.onnxq.proto.Onnx.TensorProto.DataType;
import io.onnxq.runtime.LogIntSoftmax;
import java.util.List;

/**
 * {@code com.onnxq::LogIntSoftmax(X u8, zero_point u8, x0_int i64, b_int i64, c_int i64) -> Y u8}.
 * Body computes {@link LogIntSoftmax#apply} bit for bit without per-element int64: the exp terms
 * come from 256-entry tables over {@code max_row(X) - X}, the row sum and the ratio are exact in
 * double, and the code is a table lookup (docs/custom-ops.md, section 1, "Function body").
 */
public final class LogIntSoftmaxOp extends FunctionOp {

  public static final String NAME = "LogIntSoftmax";
  private static final List<Port> INPUTS =
      List.of(
          Port.u8("X"),
          Port.u8("zero_point"),
          Port.i64("x0_int"),
          Port.i64("b_int"),
          Port.i64("c_int"));
  private static final List<Port> OUTPUTS = List.of(Port.u8("Y"));

  public LogIntSoftmaxOp() {
    super(
        NAME,
        INPUTS,
        OUTPUTS,
        "FQ-ViT log-int-softmax over the last axis; codes k<16 mean 2^-k, 16 means 0.");
  }

  @Override
  public Comparison check(CallValues v) {
    var x = v.input(0);
    int n = CallValues.lastDim(x);
    LogIntSoftmax.Constants c = new LogIntSoftmax.Constants(v.scalar(2), v.scalar(3), v.scalar(4));
    byte[] y = LogIntSoftmax.apply(CallValues.bytes(x), x.count() / n, n, (int) v.scalar(1), c);
    return Comparison.of(CallValues.widen(y), v.output(0).ints());
  }

  /** The exp table splits at q = SPLIT: from there on, terms only count in the row sum. */
  private static final int SPLIT = LogIntSoftmax.MASKED;

  /** Largest index into the code table: {@code m >= M_MAX} means ratio >= MASKED_RATIO. */
  static final int M_MAX = (int) (2 * LogIntSoftmax.MASKED_RATIO - 1);

  /**
   * Step 9 as a function of {@code m = floor(2 sum / e)}, for {@code m} in {@code [0, M_MAX]}: the
   * ratio {@code floor((2 sum + e) / (2 e))} is {@code floor((m + 1) / 2)}.
   */
  static byte[] codeTable() {
    byte[] t = new byte[M_MAX + 1];
    for (int m = 0; m <= M_MAX; m++) {
      t[m] = (byte) LogIntSoftmax.codeOfRatio((m + 1) / 2);
    }
    return t;
  }

  @Override
  protected void body(FunctionBuilder f) {
    String lastAxis = f.vectorI64(-1);
    String zero = f.scalarI64(0);
    String nBits = f.scalarI64(LogIntSoftmax.N_BITS);
    String keep = "keepdims";
    DataType f64 = DataType.DOUBLE;

    // Steps 1-6 see an element only through d = max_row(X) - X in [0, 255] (zx cancels), so they
    // run on the 256 values of d, as in the kernel (int64; integer max through imax: ORT's int64
    // Max/Min are unreliable). With the constants as initializers, constant folding removes them.
    String d = f.op("d", "Range", zero, f.scalarI64(256), f.scalarI64(1));
    String x = f.imax(f.op("x", "Neg", d), f.op("xmin", "Mul", nBits, "x0_int"));
    String q = f.op("q", "Div", x, "x0_int");
    String r = f.op("r", "Sub", x, f.op("qx0", "Mul", q, "x0_int"));
    String z = f.op("z", "Add", f.op("rrb", "Mul", r, f.op("rb", "Add", r, "b_int")), "c_int");
    String sh = f.cast(f.op("nq", "Sub", nBits, q), DataType.UINT64);
    String pow =
        f.op("pow", "BitShift", List.of(attrString("direction", "LEFT")), f.scalarU64(1), sh);
    String e = f.op("e", "Mul", f.imax(z, zero), f.cast(pow, DataType.INT64));
    // u = e / 2^(n-16) = z * 2^(16-q), exact in double (z < 2^32 times a power of two). A term
    // with q >= 16 is at most c * 2^(n-16) while the row maximum's is c * 2^n, so its ratio is
    // >= 2^16 and its code 16; it only counts in the sum. Hence two tables:
    //   wTab = e / 2^(n-15) for q < 16 (an integer), else 0
    //   loTab = e / 2^(n-16) for q >= 16 (a multiple of 2^-14), else 0
    String u =
        f.op(
            "u", "Mul", f.cast(e, f64), f.scalarF64(Math.scalb(1.0, SPLIT - LogIntSoftmax.N_BITS)));
    String near = f.op("near", "Less", q, f.scalarI64(SPLIT));
    String f0 = f.scalarF64(0);
    String wTab = f.op("wtab", "Where", near, f.op("uh", "Mul", u, f.scalarF64(0.5)), f0);
    String loTab = f.op("lotab", "Where", near, f0, u);

    // Per element: d, then its two table entries. Lookups are GatherElements on a [1, size] view
    // (ORT's Gather copies element by element and is several times slower).
    String shape = f.op("shape", "Shape", "X");
    String xi = f.cast("X", DataType.INT32);
    String max = f.op("rowmax", "ReduceMax", List.of(attrInt(keep, 1)), xi, lastAxis);
    String idx = f.flat(f.op("idx", "Sub", max, xi));
    String w = f.op("w", "Reshape", f.lookup(wTab, idx), shape);
    String lo = f.op("lo", "Reshape", f.lookup(loTab, idx), shape);
    // 7. F = floor(2 sum / 2^(n-15)) = 2 sum(w) + floor(sum(lo)). Both sums are exact in double:
    // below N * c * 2^15 on integers and below N * c on a 2^-14 grid. F >= 2 unless every e is 0;
    // then the Max keeps F / 0 away from 0 / 0.
    String sw = f.op("sw", "ReduceSum", List.of(attrInt(keep, 1)), w, lastAxis);
    String sl = f.op("sl", "ReduceSum", List.of(attrInt(keep, 1)), lo, lastAxis);
    String fs = f.op("fs", "Add", f.op("sw2", "Mul", sw, f.scalarF64(2)), f.op("slf", "Floor", sl));
    fs = f.op("fs1", "Max", fs, f.scalarF64(1));
    // 8-9. m = floor(F / w) = floor(2 sum / e): the floor of a quotient of integers with F + w <
    // 2^53, so the rounded division cannot reach the next integer. ratio = floor((m + 1) / 2);
    // the code table holds step 9 up to m = M_MAX, from where the code is 16. w = 0 (e = 0, or
    // q >= 16) gives +inf, code 16. Cast truncates: the floor, as m >= 0.
    String m = f.op("m", "Min", f.op("fw", "Div", fs, w), f.scalarF64(M_MAX));
    // 10.
    String k = f.lookup(f.vectorU8(codeTable()), f.flat(f.cast(m, DataType.INT32)));
    f.opTo("Y", "Reshape", List.of(), k, shape);
  }
}
