package io.onnxq.ops;

import io.onnxq.proto.Onnx.TensorProto.DataType;
import io.onnxq.runtime.GeluTable;
import java.util.List;

/**
 * {@code com.onnxq::GeluTable(X u8, form u8, x_scale f32, x_zero_point u8, y_scale f32,
 * y_zero_point u8, T u8[256]) -> Y u8}: {@code Y = T[X]}, with T the table of {@link GeluTable#of}.
 * The form and grids travel with the call so that a backend, and {@code verify}, can rebuild T; the
 * body only looks it up.
 */
public final class GeluTableOp extends FunctionOp {

  public static final String NAME = "GeluTable";
  private static final List<Port> INPUTS =
      List.of(
          Port.u8("X"),
          Port.u8("form"),
          Port.f32("x_scale"),
          Port.u8("x_zero_point"),
          Port.f32("y_scale"),
          Port.u8("y_zero_point"),
          Port.u8("T"));
  private static final List<Port> OUTPUTS = List.of(Port.u8("Y"));

  public GeluTableOp() {
    super(
        NAME,
        INPUTS,
        OUTPUTS,
        "GELU on uint8 codes by a 256-entry table of the nearest output codes.");
  }

  /**
   * Y against the kernel over the elements; the call's table against the one its form and grids
   * define, as mismatches only (it is not an output, so it adds no elements).
   */
  @Override
  public Comparison check(CallValues v) {
    int[] spec =
        GeluTable.of(
            GeluTable.form((int) v.scalar(1)),
            v.floats(2)[0],
            (int) v.scalar(3),
            v.floats(4)[0],
            (int) v.scalar(5));
    Comparison table = Comparison.of(CallValues.widen(spec), CallValues.widen(v.ints(6)));
    byte[] y = GeluTable.apply(CallValues.bytes(v.input(0)), spec);
    return Comparison.of(CallValues.widen(y), v.output(0).ints())
        .plus(new Comparison(0, table.mismatches(), table.maxAbsDiff()));
  }

  /** One GatherElements on the flattened codes: ORT's Gather copies index by index. */
  @Override
  protected void body(FunctionBuilder f) {
    String idx = f.flat(f.cast("X", DataType.INT32));
    f.opTo("Y", "Reshape", List.of(), f.lookup("T", idx), f.op("shape", "Shape", "X"));
  }
}
