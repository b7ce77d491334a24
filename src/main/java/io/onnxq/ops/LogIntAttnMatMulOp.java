package io.onnxq.ops;

import static io.onnxq.ops.FunctionBuilder.attrString;

import io.onnxq.proto.Onnx.TensorProto.DataType;
import io.onnxq.runtime.LogIntAttnMatMul;
import io.onnxq.runtime.LogIntSoftmax;
import java.util.List;

/**
 * {@code com.onnxq::LogIntAttnMatMul(K u8 [...,M,N], V u8 [...,N,D], zv u8) -> ACC i32 [...,M,D]}.
 * Body mirrors {@link LogIntAttnMatMul#apply}; leading dims broadcast as in MatMul.
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
    // P = 32768 >> min(k, 16): shifting by 16 yields 0, so masked codes need no Where.
    // BitShift exists only for unsigned types; the clamp is done in int32 (Where/Less, see
    // FunctionBuilder.imin).
    String kc = f.imin(f.cast("K", DataType.INT32), f.scalarI32(LogIntSoftmax.MASKED));
    String p =
        f.op(
            "p",
            "BitShift",
            List.of(attrString("direction", "RIGHT")),
            f.scalarU32(1 << LogIntAttnMatMul.FRAC_BITS),
            f.cast(kc, DataType.UINT32));
    String vc = f.op("vc", "Sub", f.cast("V", DataType.INT32), f.cast("zv", DataType.INT32));
    f.opTo("ACC", "MatMul", List.of(), f.cast(p, DataType.INT32), vc);
  }
}
