package io.onnxq.ops;

import static io.onnxq.ops.FunctionBuilder.attrInt;

import io.onnxq.model.Graph;
import io.onnxq.model.Node;
import io.onnxq.proto.Onnx.TensorProto.DataType;
import io.onnxq.runtime.AdaLogDequantizeKernel;
import java.util.List;

/**
 * {@code com.onnxq::AdaLogDequantize(K u8|u16 [...], table f32 [L+1]) -> Y f32 [...]}: {@code Y =
 * table[K]}. Body mirrors {@link AdaLogDequantizeKernel#apply}. One function serves both carriers:
 * the body casts K to int64 first, and function bodies are not typed.
 */
public final class AdaLogDequantizeOp extends FunctionOp {

  public static final String NAME = "AdaLogDequantize";
  private static final List<Port> INPUTS = List.of(Port.u8("K"), Port.f32("table"));
  private static final List<Port> OUTPUTS = List.of(Port.f32("Y"));

  public AdaLogDequantizeOp() {
    super(
        NAME,
        INPUTS,
        OUTPUTS,
        "AdaLog dequantization by lookup: Y = table[K], table from AdaLogQuantizer.table() or tableUnshifted().");
  }

  /** K is uint16 when AdaLogQuantize16 produced it; the function itself accepts either carrier. */
  @Override
  public DataType inputType(Node call, Graph g, int i) {
    Node p = i == 0 ? g.producer(call.input(0)) : null;
    boolean wide =
        p != null
            && p.domain().equals(CustomOps.DOMAIN)
            && p.opType().equals(AdaLogQuantizeOp.NAME16);
    return wide ? DataType.UINT16 : inputs().get(i).type();
  }

  @Override
  public Comparison check(CallValues v) {
    float[] y = AdaLogDequantizeKernel.apply(v.ints(0), v.floats(1));
    return Comparison.of(y, v.output(0).floats());
  }

  @Override
  protected void body(FunctionBuilder f) {
    f.opTo("Y", "Gather", List.of(attrInt("axis", 0)), "table", f.cast("K", DataType.INT64));
  }
}
