package io.onnxq.ops;

import static io.onnxq.ops.FunctionBuilder.attrString;

import io.onnxq.proto.Onnx;
import io.onnxq.proto.Onnx.TensorProto.DataType;
import io.onnxq.runtime.LogIntAttnMatMul;
import io.onnxq.runtime.LogIntSoftmax;
import java.util.List;

/**
 * {@code com.onnxq::LogIntAttnMatMul(K u8 [...,M,N], V u8 [...,N,D], zv u8) -> ACC i32 [...,M,D]}.
 * Body computes {@link LogIntAttnMatMul#apply} exactly as two uint8 MatMulIntegers, one per byte of
 * the weight {@code 2^(15-k)}; leading dims broadcast as in MatMul.
 */
public final class LogIntAttnMatMulOp extends FunctionOp {

  public static final String NAME = "LogIntAttnMatMul";
  private static final List<Port> INPUTS = List.of(Port.u8("K"), Port.u8("V"), Port.u8("zv"));
  private static final List<Port> OUTPUTS = List.of(new Port("ACC", DataType.INT32));

  public LogIntAttnMatMulOp() {
    super(
        NAME,
        INPUTS,
        OUTPUTS,
        "ACC = P @ (V - zv) with P = 2^(15-k) for codes k < 16, else 0; real value ACC * sv / 32768.");
  }

  @Override
  public Comparison check(CallValues v) {
    var k = v.input(0);
    var vv = v.input(1);
    long[] ks = k.shape();
    int m = (int) ks[ks.length - 2];
    int n = (int) ks[ks.length - 1];
    int d = CallValues.lastDim(vv);
    int batch = k.count() / (m * n);
    int[] acc =
        LogIntAttnMatMul.apply(
            CallValues.bytes(k), CallValues.bytes(vv), batch, m, n, d, (int) v.scalar(2));
    return Comparison.of(CallValues.widen(acc), v.output(0).ints());
  }

  @Override
  protected void body(FunctionBuilder f) {
    // P = 32768 >> min(K, 16) (uint32): shifting by 16 yields 0, so masked codes need no Where,
    // and codes above 16 are clamped before the shift (BitShift exists only for unsigned types).
    List<Onnx.AttributeProto> right = List.of(attrString("direction", "RIGHT"));
    String kc = f.op("kc", "Min", "K", f.scalarU8(LogIntSoftmax.MASKED));
    String p =
        f.op(
            "p",
            "BitShift",
            right,
            f.scalarU32(1 << LogIntAttnMatMul.FRAC_BITS),
            f.cast(kc, DataType.UINT32));
    // P = 256 * hi + lo, each byte 0 or a power of two up to 128: k < 8 puts its weight in hi,
    // 8 <= k < 16 in lo (the uint8 Cast keeps the low byte). Each byte times (V - zv) is an exact
    // uint8 x uint8 MatMulInteger (int32 partial sums <= N * 128 * 255), and bytes <= 128 keep
    // MLAS's u8 x s8 pair sums within int16 where it uses them. 256 * hi + lo wraps like the
    // kernel's int32 accumulator, so the body is exact for any codes (docs/custom-ops.md).
    String lo = f.cast(p, DataType.UINT8);
    String hi = f.cast(f.op("ph", "BitShift", right, p, f.scalarU32(8)), DataType.UINT8);
    String accHi = f.op("acc_hi", "MatMulInteger", hi, "V", "", "zv");
    String accLo = f.op("acc_lo", "MatMulInteger", lo, "V", "", "zv");
    f.opTo("ACC", "Add", List.of(), f.op("acc_hi256", "Mul", accHi, f.scalarI32(1 << 8)), accLo);
  }
}
