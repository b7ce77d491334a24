package io.onnxq.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LogIntSoftmaxTest {

  /** FQ-ViT's rounding of log2: floor, plus one when the remainder reaches half the power. */
  static int fqLog2Round(long ratio) {
    int f = 63 - Long.numberOfLeadingZeros(ratio);
    int k = (ratio - (1L << f)) * 2 >= (1L << f) ? f + 1 : f;
    return Math.min(k, LogIntSoftmax.MASKED);
  }

  @Test
  void constantsForScale() {
    LogIntSoftmax.Constants c = LogIntSoftmax.Constants.forScale(0.1f);
    assertEquals((long) Math.floor(-0.6931 / (double) 0.1f), c.x0Int());
    assertEquals(-7, c.x0Int());
    assertEquals(27, c.bInt()); // 2.7073 / 0.1
    assertEquals(279, c.cInt()); // 2.7921 / 0.01
    assertEquals(-1, LogIntSoftmax.Constants.forScale(3f).x0Int());
  }

  @Test
  void dequant() {
    assertEquals(1f, LogIntSoftmax.dequant(0));
    assertEquals(0.125f, LogIntSoftmax.dequant(3));
    assertEquals(0x1p-15f, LogIntSoftmax.dequant(15));
    assertEquals(0f, LogIntSoftmax.dequant(16));
  }

  @Test
  void codeCountsThresholdsLikeFqVitRounding() {
    // code(sum, e) with sum = ratio * e sees the ratio exactly
    for (long ratio = 1; ratio < 200_000; ratio++) {
      assertEquals(fqLog2Round(ratio), LogIntSoftmax.code(ratio, 1), "ratio " + ratio);
    }
    for (long ratio = 1; ratio < 200_000; ratio += 7) {
      assertEquals(fqLog2Round(ratio), LogIntSoftmax.code(ratio * 1024, 1024), "ratio " + ratio);
    }
    assertEquals(LogIntSoftmax.MASKED, LogIntSoftmax.code(1000, 0));
  }

  @Test
  void allEqualRowGivesLog2OfN() {
    for (int n = 1; n <= 400; n++) {
      byte[] y = LogIntSoftmax.apply(new byte[n], 1, n, 0, LogIntSoftmax.Constants.forScale(0.05f));
      for (byte b : y) {
        assertEquals(fqLog2Round(n), b, "n=" + n);
      }
      // round(log2 n) agrees except in the gap (sqrt2 * 2^k, 1.5 * 2^k), a property of FQ-ViT's
      // rule
      double l = Math.log(n) / Math.log(2);
      assertTrue(Math.abs(y[0] - l) <= 0.585 + 1e-9, "n=" + n);
    }
  }

  @Test
  void codesApproximateMinusLog2Softmax() {
    Random rnd = new Random(7);
    int n = 197;
    for (float scale : new float[] {0.02f, 0.05f, 0.1f}) {
      int zx = 100;
      LogIntSoftmax.Constants c = LogIntSoftmax.Constants.forScale(scale);
      int checked = 0;
      for (int row = 0; row < 50; row++) {
        byte[] x = new byte[n];
        for (int j = 0; j < n; j++) {
          x[j] =
              (byte)
                  Math.max(
                      0, Math.min(255, (int) Math.round(zx + rnd.nextGaussian() * 1.5 / scale)));
        }
        byte[] y = LogIntSoftmax.apply(x, 1, n, zx, c);
        double max = Double.NEGATIVE_INFINITY;
        for (byte b : x) {
          max = Math.max(max, ((b & 0xFF) - zx) * (double) scale);
        }
        double sum = 0;
        double[] p = new double[n];
        for (int j = 0; j < n; j++) {
          p[j] = Math.exp(((x[j] & 0xFF) - zx) * (double) scale - max);
          sum += p[j];
        }
        // x0_int quantizes ln2 to |x0|*S, which stretches the log2 axis by this factor
        double stretch = Math.abs(1 - 0.6931 / (-c.x0Int() * (double) scale));
        for (int j = 0; j < n; j++) {
          double pj = p[j] / sum;
          double l = -Math.log(pj) / Math.log(2);
          if (pj > 0x1p-14) {
            // FQ-ViT rounds log2 up from 1.5*2^k: |k - l| <= log2(1.5) plus i-exp error
            double tol = 0.585 + stretch * l + 0.03;
            assertTrue(Math.abs(y[j] - l) <= tol, "p=" + pj + " code=" + y[j] + " tol=" + tol);
            double q = LogIntSoftmax.dequant(y[j]);
            assertTrue(
                Math.abs(q - pj) <= (Math.pow(2, tol) - 1) * pj, "p=" + pj + " code=" + y[j]);
            if (pj > 0x1p-6) {
              assertTrue(Math.abs(q - pj) <= 0.55 * pj, "p=" + pj + " code=" + y[j]);
            }
            checked++;
          } else if (pj < 0x1p-18) {
            assertEquals(LogIntSoftmax.MASKED, y[j], "p=" + pj);
          }
        }
      }
      assertTrue(checked > 1000, "checked " + checked);
    }
  }
}
