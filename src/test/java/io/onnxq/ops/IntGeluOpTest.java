package io.onnxq.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onnxq.proto.Onnx.TensorProto.DataType;
import io.onnxq.runtime.IntGelu;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The ORT-run function body must equal the Java kernel exactly. */
class IntGeluOpTest {

  private static final IntGeluOp OP = new IntGeluOp();

  private static void check(byte[] x, long[] shape, int zx, IntGelu.Constants k, int zy)
      throws Exception {
    byte[] expected = IntGelu.apply(x, zx, k, zy);
    for (boolean constant : new boolean[] {true, false}) {
      List<OrtHarness.Value> ins =
          List.of(
              OrtHarness.u8("X", shape, x, false),
              OrtHarness.u8Scalar("zx", zx, constant),
              OrtHarness.i32Scalar("b", k.b(), constant),
              OrtHarness.i32Scalar("c", k.c(), constant),
              OrtHarness.u8Scalar("shift", k.shift(), constant),
              OrtHarness.i32Scalar("one", k.one(), constant),
              OrtHarness.f32("m", new long[0], new float[] {k.m()}, constant),
              OrtHarness.u8Scalar("zy", zy, constant));
      for (Map<String, byte[]> out :
          OrtHarness.runAllLevels(OP, ins, Map.of("Y", DataType.UINT8))) {
        assertArrayEquals(expected, out.get("Y"), k + " zx=" + zx + " zy=" + zy);
      }
    }
  }

  private static byte[] everyCode() {
    byte[] x = new byte[256];
    for (int i = 0; i < 256; i++) x[i] = (byte) i;
    return x;
  }

  @Test
  void everyCodeOverAWideRangeOfGrids() throws Exception {
    for (float sIn : new float[] {0.0012f, 0.004f, 0.02f, 0.06f, 0.2f, 1.5f}) {
      for (int zx : new int[] {0, 97, 180, 255}) {
        for (float ratio : new float[] {0.3f, 1f, 2.5f}) {
          check(everyCode(), new long[] {2, 128}, zx, IntGelu.Constants.of(sIn, sIn * ratio), 11);
        }
      }
    }
  }

  @Test
  void fineGridsTakeTheShiftedPath() throws Exception {
    IntGelu.Constants k = IntGelu.Constants.of(0.0015f, 0.001f);
    assertTrue(k.shift() > 0, "expected a shift, got " + k);
    check(everyCode(), new long[] {256}, 128, k, 200);
  }

  @Test
  void randomDeitTinyActivations() throws Exception {
    Random rnd = new Random(31);
    byte[] x = new byte[2 * 197 * 768];
    rnd.nextBytes(x);
    check(x, new long[] {2, 197, 768}, 170, IntGelu.Constants.of(0.06f, 0.035f), 5);
  }
}
