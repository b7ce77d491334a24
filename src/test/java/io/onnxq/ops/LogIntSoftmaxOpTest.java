package io.onnxq.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    // ratios at and just below the thresholds 3 * 2^j, and DeiT's row lengths
    for (int n : new int[] {1, 2, 3, 5, 11, 12, 23, 24, 47, 48, 95, 96, 191, 192, 197, 300, 577}) {
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

  /** Rows that use every table entry: a ramp over all 256 values of max - X, and one peak. */
  private static byte[] structuredRows(int n, Random rnd) {
    byte[] x = new byte[4 * n];
    for (int j = 0; j < n; j++) {
      x[j] = (byte) (255 - j % 256); // ramp: d = j mod 256
      x[n + j] = (byte) (j == n / 2 ? 255 : rnd.nextInt(256)); // one dominant logit
      x[2 * n + j] = (byte) (j == 0 ? 255 : 255 - 16 * (j % 16)); // a few steps of d
      x[3 * n + j] = (byte) (j < 2 ? 255 : 0); // two peaks, the rest at d = 255
    }
    return x;
  }

  @Test
  void longRowsAndStructuredRows() throws Exception {
    Random rnd = new Random(4);
    for (int n : new int[] {197, 577}) {
      for (float scale : new float[] {0.01f, 0.03f, 0.0462f, 0.08f, 0.16f, 0.4f}) {
        check(random(rnd, 16 * n, 0, 255), new long[] {16, n}, rnd.nextInt(256), scale);
        check(random(rnd, 16 * n, 90, 170), new long[] {1, 16, n}, 128, scale);
        check(structuredRows(n, rnd), new long[] {4, n}, 0, scale);
      }
    }
  }

  /**
   * Bounds of the scale: the smallest scales the int64 specification allows at N = 197 and N = 577
   * (N * c_int * 2^30 < 2^62, c_int above 2^24), and coarse scales where c_int is 1 or 0.
   */
  @Test
  void extremeScales() throws Exception {
    Random rnd = new Random(5);
    float[][] cases = {{197, 3.6e-4f}, {197, 4e-4f}, {577, 6.2e-4f}, {577, 1e-3f}};
    for (float[] nc : cases) {
      int n = (int) nc[0];
      LogIntSoftmax.Constants c = LogIntSoftmax.Constants.forScale(nc[1]);
      assertTrue(n * c.cInt() < 1L << 32, "outside the int64 specification: " + nc[1]);
      check(random(rnd, 8 * n, 0, 255), new long[] {8, n}, 7, nc[1]);
      check(structuredRows(n, rnd), new long[] {4, n}, 0, nc[1]);
    }
    for (float scale : new float[] {0.69f, 0.7f, 1.5f, 1.67f, 1.7f, 2f, 5f, 100f}) {
      check(random(rnd, 8 * 197, 0, 255), new long[] {8, 197}, 3, scale);
      check(structuredRows(577, rnd), new long[] {4, 577}, 0, scale);
    }
  }

  /** The body relies on z = r (r + b) + c <= c for r in (x0, 0], i.e. b >= -x0 - 1, and c >= 0. */
  @Test
  void constantsMeetTheBodysBounds() {
    for (double s = 1e-4; s < 1e3; s *= 1.003) {
      LogIntSoftmax.Constants c = LogIntSoftmax.Constants.forScale((float) s);
      assertTrue(c.bInt() >= -c.x0Int() - 1 && c.cInt() >= 0, "scale " + s + ": " + c);
    }
  }

  @Test
  void codeTableIsStep9() {
    byte[] t = LogIntSoftmaxOp.codeTable();
    assertEquals(LogIntSoftmaxOp.M_MAX + 1, t.length);
    assertEquals(0, t[2]); // sum / e in [1, 1.5): ratio 1
    assertEquals(1, t[3]);
    assertEquals(15, t[LogIntSoftmaxOp.M_MAX - 1]);
    assertEquals(LogIntSoftmax.MASKED, t[LogIntSoftmaxOp.M_MAX]);
    for (int m = 1; m < t.length; m++) {
      assertTrue(t[m] >= t[m - 1] && t[m] <= t[m - 1] + 1, "m=" + m);
    }
  }
}
