package io.onnxq.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.onnxq.proto.Onnx.TensorProto.DataType;
import io.onnxq.quant.Gelu;
import io.onnxq.runtime.GeluTable;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The ORT-run function body must equal the Java kernel exactly. */
class GeluTableOpTest {

  private static final GeluTableOp OP = new GeluTableOp();

  private static void check(
      byte[] x, long[] shape, Gelu.Form form, float sx, int zx, float sy, int zy) throws Exception {
    int[] table = GeluTable.of(form, sx, zx, sy, zy);
    byte[] t = new byte[table.length];
    for (int i = 0; i < t.length; i++) t[i] = (byte) table[i];
    byte[] expected = GeluTable.apply(x, table);
    for (boolean constant : new boolean[] {true, false}) {
      List<OrtHarness.Value> ins =
          List.of(
              OrtHarness.u8("X", shape, x, false),
              OrtHarness.u8Scalar("form", GeluTable.code(form), constant),
              OrtHarness.f32("x_scale", new long[0], new float[] {sx}, constant),
              OrtHarness.u8Scalar("x_zero_point", zx, constant),
              OrtHarness.f32("y_scale", new long[0], new float[] {sy}, constant),
              OrtHarness.u8Scalar("y_zero_point", zy, constant),
              OrtHarness.u8("T", new long[] {256}, t, constant));
      for (Map<String, byte[]> out :
          OrtHarness.runAllLevels(OP, ins, Map.of("Y", DataType.UINT8))) {
        assertArrayEquals(expected, out.get("Y"), form + " sx=" + sx + " zx=" + zx + " zy=" + zy);
      }
    }
  }

  @Test
  void everyCodeOverSeveralGrids() throws Exception {
    byte[] x = new byte[256];
    for (int i = 0; i < 256; i++) x[i] = (byte) i;
    for (float sx : new float[] {0.004f, 0.06f, 1.5f}) {
      for (int zx : new int[] {0, 97, 255}) {
        for (Gelu.Form form : Gelu.Form.values()) {
          check(x, new long[] {2, 128}, form, sx, zx, sx * 0.7f, 11);
        }
      }
    }
  }

  @Test
  void randomDeitTinyActivations() throws Exception {
    Random rnd = new Random(37);
    byte[] x = new byte[2 * 197 * 768];
    rnd.nextBytes(x);
    check(x, new long[] {2, 197, 768}, Gelu.Form.ERF, 0.046f, 86, 0.031f, 5);
  }
}
