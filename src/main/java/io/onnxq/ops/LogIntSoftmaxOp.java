package io.onnxq.ops;

import static io.onnxq.ops.FunctionBuilder.attrInt;
import static io.onnxq.ops.FunctionBuilder.attrString;

import io.onnxq.proto.Onnx.TensorProto.DataType;
import io.onnxq.runtime.LogIntSoftmax;
import java.util.List;

/**
 * {@code com.onnxq::LogIntSoftmax(X u8, zero_point u8, x0_int i64, b_int i64, c_int i64) -> Y u8}.
 * Body mirrors {@link LogIntSoftmax#apply} step by step (int64 throughout).
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

  @Override
  protected void body(FunctionBuilder f) {
    String lastAxis = f.vectorI64(-1);
    String zero = f.scalarI64(0);
    String one = f.scalarI64(1);
    String two = f.scalarI64(2);
    String nBits = f.scalarI64(LogIntSoftmax.N_BITS);
    String keep = "keepdims";

    // Integer max/min go through FunctionBuilder.imax/imin: ORT's int64 Max/Min are unreliable.
    // 1. x = (X - zx) - rowmax (ReduceMax int64 is exact)
    String x = f.op("x", "Sub", f.cast("X", DataType.INT64), f.cast("zero_point", DataType.INT64));
    String max = f.op("rowmax", "ReduceMax", List.of(attrInt(keep, 1)), x, lastAxis);
    x = f.op("xc", "Sub", x, max);
    // 2-4. x = max(x, n*x0); q = x / x0 (trunc == floor here); r = x - q*x0
    x = f.imax(x, f.op("lo", "Mul", nBits, "x0_int"));
    String q = f.op("q", "Div", x, "x0_int");
    String r = f.op("r", "Sub", x, f.op("qx0", "Mul", q, "x0_int"));
    // 5. z = r*(r+b) + c
    String z = f.op("z", "Add", f.op("rrb", "Mul", r, f.op("rb", "Add", r, "b_int")), "c_int");
    // 6. e = max(z * 2^(n-q), 0); BitShift exists only for unsigned types, hence the uint64 detour.
    String sh = f.cast(f.op("nq", "Sub", nBits, q), DataType.UINT64);
    String pow =
        f.op("pow", "BitShift", List.of(attrString("direction", "LEFT")), f.scalarU64(1), sh);
    String e = f.imax(f.op("zs", "Mul", z, f.cast(pow, DataType.INT64)), zero);
    // 7. row sum (can pass 2^53, so not ReduceSum: see FunctionBuilder.sumLast)
    String sum = f.sumLast(e);
    // 8. ratio = (2*sum + e) / (2*e), divisor kept >= 1 so the body never divides by 0
    String num = f.op("num", "Add", f.op("sum2", "Mul", two, sum), e);
    String den = f.imax(f.op("e2", "Mul", two, e), one);
    String ratio =
        f.op(
            "ratio",
            "Where",
            f.op("epos", "Greater", e, zero),
            f.op("quot", "Div", num, den),
            f.scalarI64(LogIntSoftmax.HUGE_RATIO));
    // 9. k = #{j in 1..16 : 2*ratio >= 3*2^(j-1)}
    long[] thresholds = new long[LogIntSoftmax.MASKED];
    for (int j = 1; j <= LogIntSoftmax.MASKED; j++) {
      thresholds[j - 1] = 3L << (j - 1);
    }
    String r2 = f.op("ratio2", "Unsqueeze", f.op("ratio2f", "Mul", two, ratio), lastAxis);
    String hits = f.cast(f.op("ge", "GreaterOrEqual", r2, f.vectorI64(thresholds)), DataType.INT64);
    // counts <= 16 are exact even through ReduceSum's double path
    String k = f.op("k", "ReduceSum", List.of(attrInt(keep, 0)), hits, lastAxis);
    // 10.
    f.opTo("Y", "Cast", List.of(attrInt("to", DataType.UINT8_VALUE)), k);
  }
}
