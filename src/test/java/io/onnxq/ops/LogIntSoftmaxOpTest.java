package io.onnxq.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.onnxq.proto.Onnx.TensorProto.DataType;
import io.onnxq.runtime.LogIntSoftmax;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The ORT-run function body must equal the Java kernel exactly. */
class LogIntSoftmaxOpTest {

  private static final LogIntSoftmaxOp OP = new LogIntSoftmaxOp();

  /** Runs body (both opt levels, constants as initializers and as fed inputs) vs kernel. */
  private static byte[] check(byte[] x, long[] shape, int zx, float scale) throws Exception {
    int n = (int) shape[shape.length - 1];
    int rows = x.length / n;
    LogIntSoftmax.Constants c = LogIntSoftmax.Constants.forScale(scale);
    byte[] expected = LogIntSoftmax.apply(x, rows, n, zx, c);
    for (boolean constant : new boolean[] {true, false}) {
      List<OrtHarness.Value> ins =
          List.of(
              OrtHarness.u8("X", shape, x, false),
              OrtHarness.u8Scalar("zero_point", zx, constant),
              OrtHarness.i64Scalar("x0_int", c.x0Int(), constant),
              OrtHarness.i64Scalar("b_int", c.bInt(), constant),
              OrtHarness.i64Scalar("c_int", c.cInt(), constant));
      for (Map<String, byte[]> out :
          OrtHarness.runAllLevels(OP, ins, Map.of("Y", DataType.UINT8))) {
        assertArrayEquals(
            expected, out.get("Y"), "scale=" + scale + " zx=" + zx + " constant=" + constant);
      }
    }
    return expected;
  }

  private static byte[] random(Random rnd, int len, int lo, int hi) {
    byte[] x = new byte[len];
    for (int i = 0; i < len; i++) {
      x[i] = (byte) (lo + rnd.nextInt(hi - lo + 1));
    }
    return x;
  }

  /**
   * FQ-ViT's rounding of log2 (floor, +1 from 1.5 * 2^floor), the expected code of n equal logits.
   */
  private static int fqLog2Round(long n) {
    int f = 63 - Long.numberOfLeadingZeros(n);
    return 2 * (n - (1L << f)) >= (1L << f) ? f + 1 : f;
  }

  @Test
  void randomDeitShapedRows() throws Exception {
    Random rnd = new Random(1);
    for (float scale : new float[] {0.002f, 0.01f, 0.05f, 0.1f, 0.3f, 1.0f, 5.0f}) {
      int zx = rnd.nextInt(256);
      check(random(rnd, 2 * 3 * 197 * 197, 0, 255), new long[] {2, 3, 197, 197}, zx, scale);
    }
  }

  @Test
  void narrowRangeLogitsGiveSpreadOfCodes() throws Exception {
    Random rnd = new Random(2);
    byte[] y = check(random(rnd, 64 * 197, 100, 160), new long[] {64, 197}, 128, 0.08f);
    boolean[] seen = new boolean[17];
    for (byte b : y) {
      seen[b] = true;
    }
    int distinct = 0;
    for (boolean s : seen) {
      distinct += s ? 1 : 0;
    }
    // Guard against a vacuous comparison: the data must exercise many different codes.
    assertEquals(true, distinct >= 6, "distinct codes " + distinct);
  }

  @Test
  void allEqualLogits() throws Exception {
    for (int n : new int[] {1, 2, 3, 5, 11, 12, 23, 24, 197, 300}) {
      byte[] x = new byte[3 * n];
      java.util.Arrays.fill(x, 0, n, (byte) 0);
      java.util.Arrays.fill(x, n, 2 * n, (byte) 77);
      java.util.Arrays.fill(x, 2 * n, 3 * n, (byte) 255);
      byte[] y = check(x, new long[] {3, n}, 77, 0.05f);
      for (byte b : y) {
        assertEquals(fqLog2Round(n), b, "n=" + n);
      }
    }
  }

  @Test
  void veryNegativeLogitsAreMasked() throws Exception {
    int n = 197;
    byte[] x = new byte[n];
    x[5] = (byte) 255; // one dominant logit, all others 255 steps below
    byte[] y = check(x, new long[] {1, 1, 1, n}, 0, 0.1f);
    for (int j = 0; j < n; j++) {
      assertEquals(j == 5 ? 0 : LogIntSoftmax.MASKED, y[j], "j=" + j);
    }
  }

  @Test
  void saturatedInputs() throws Exception {
    Random rnd = new Random(3);
    byte[] x = new byte[40 * 197];
    for (int i = 0; i < x.length; i++) {
      x[i] = (byte) (rnd.nextBoolean() ? 0 : 255);
    }
    for (int zx : new int[] {0, 128, 255}) {
      for (float scale : new float[] {0.001f, 0.02f, 0.7f}) {
        check(x, new long[] {40, 197}, zx, scale);
      }
    }
  }
}
