package io.onnxq.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class PtsLayerNormTest {

  @Test
  void constants() {
    PtsLayerNorm.Constants k =
        PtsLayerNorm.Constants.of(new float[] {1f, -0.5f}, new float[] {0.25f, 0f}, 0.5f);
    assertEquals(4f, k.g()[0]); // C * gamma / s_out = 2 * 1 / 0.5
    assertEquals(-2f, k.g()[1]);
    assertEquals(0.5f, k.bt()[0]);
    assertEquals(0f, k.bt()[1]);
  }

  @Test
  void constantsRejectWhatTheBodyCannotMatch() {
    float[] one = {1f};
    // 1e-9 / 1e-20 = 1e11 > 2^30
    assertThrows(
        IllegalArgumentException.class,
        () -> PtsLayerNorm.Constants.of(one, new float[] {1e-9f}, 1e-20f));
    // C * gamma / s_out = 1e13 > 2^40
    assertThrows(
        IllegalArgumentException.class,
        () -> PtsLayerNorm.Constants.of(new float[] {10f}, new float[] {0f}, 1e-12f));
    int c = PtsLayerNorm.MAX_CHANNELS + 1;
    assertThrows(
        IllegalArgumentException.class,
        () -> PtsLayerNorm.Constants.of(new float[c], new float[c], 1f));
  }

  @Test
  void shiftCountsPowersOfTwo() {
    assertEquals(31, PtsLayerNorm.shift(0f));
    assertEquals(31, PtsLayerNorm.shift(0x1p-24f));
    assertEquals(30, PtsLayerNorm.shift(0x1p-23f));
    assertEquals(7, PtsLayerNorm.shift(1f));
    assertEquals(7, PtsLayerNorm.shift(1.999f));
    assertEquals(6, PtsLayerNorm.shift(2f));
    assertEquals(0, PtsLayerNorm.shift(128f));
    assertEquals(0, PtsLayerNorm.shift(1e30f));
    for (int e = -23; e <= 7; e++) {
      float a = Math.scalb(1.5f, e);
      // normalized multiplier lands in [128, 256)
      float scaled = a * PtsLayerNorm.pow2f(PtsLayerNorm.shift(a));
      assertTrue(scaled >= 128f && scaled < 256f, "e=" + e);
    }
  }

  @Test
  void closeToFloatLayerNorm() {
    Random rnd = new Random(31);
    int c = 192;
    int rows = 300;
    float sBase = 0.02f;
    float sOut = 0.03f;
    int zx = 120;
    int zy = 130;
    byte[] alpha = new byte[c];
    float[] gamma = new float[c];
    float[] beta = new float[c];
    for (int i = 0; i < c; i++) {
      alpha[i] = (byte) rnd.nextInt(4);
      gamma[i] = (float) (1 + 0.5 * rnd.nextGaussian());
      beta[i] = (float) (0.3 * rnd.nextGaussian());
    }
    byte[] x = new byte[rows * c];
    for (int r = 0; r < rows; r++) {
      double spread = 5 + 40 * rnd.nextDouble();
      for (int i = 0; i < c; i++) {
        x[r * c + i] =
            (byte) Math.max(0, Math.min(255, (int) Math.round(zx + spread * rnd.nextGaussian())));
      }
    }
    byte[] y =
        PtsLayerNorm.apply(x, rows, c, zx, alpha, PtsLayerNorm.Constants.of(gamma, beta, sOut), zy);
    int maxErr = 0;
    for (int r = 0; r < rows; r++) {
      double[] v = new double[c];
      double mu = 0;
      for (int i = 0; i < c; i++) {
        v[i] = ((x[r * c + i] & 0xFF) - zx) * sBase * (1 << alpha[i]);
        mu += v[i];
      }
      mu /= c;
      double var = 0;
      for (int i = 0; i < c; i++) {
        var += (v[i] - mu) * (v[i] - mu);
      }
      double sigma = Math.sqrt(var / c);
      for (int i = 0; i < c; i++) {
        double ref = (gamma[i] * (v[i] - mu) / sigma + beta[i]) / sOut + zy;
        long q = Math.max(0, Math.min(255, Math.round(ref)));
        maxErr = Math.max(maxErr, (int) Math.abs((y[r * c + i] & 0xFF) - q));
      }
    }
    // 8-bit multiplier (rel. error <= 2^-8 of |y| <= 128) plus two roundings
    assertTrue(maxErr <= 2, "max error " + maxErr + " quanta of s_out");
  }
}
