package io.onnxq.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class AdaLogQuantizerTest {

  @Test
  void q37IsPlainLog2() {
    Random rnd = new Random(1);
    for (int bits : new int[] {3, 4, 6}) {
      AdaLogQuantizer a = new AdaLogQuantizer(bits, 0.75f, AdaLogQuantizer.LOG2_Q, 0f);
      for (int k = 0; k < a.levels(); k++) {
        assertEquals(k, a.shift(k));
        assertEquals(a.denominator(), a.fractionNumerator(k));
        assertEquals(Math.scalb(0.75f, -k), a.dequantize(k), 0f);
      }
      for (int i = 0; i < 2000; i++) {
        float x = (float) (0.75 * Math.pow(2, -rnd.nextDouble() * (a.levels() + 2)));
        double l = -Math.log(x / 0.75) / Math.log(2);
        if (Math.abs(l - Math.floor(l) - 0.5) < 1e-4) {
          continue;
        }
        long k = Math.round(l);
        float expected = k >= a.levels() ? 0f : Math.scalb(0.75f, (int) -k);
        assertEquals(expected, a.fakeQuant(x), 0f, "x=" + x);
      }
    }
  }

  @Test
  void codesRoundTrip() {
    for (int bits : new int[] {3, 4, 6}) {
      for (int q = AdaLogQuantizer.MIN_Q; q <= AdaLogQuantizer.MAX_Q; q++) {
        AdaLogQuantizer a = new AdaLogQuantizer(bits, 1.3f, q, 0f);
        for (int k = 0; k < a.levels(); k++) {
          if (a.dequantize(k) < Float.MIN_NORMAL) {
            continue; // underflowed codes (large k*q at 6 bits) cannot round trip
          }
          assertEquals(k, a.quantize(a.dequantize(k)), "bits=" + bits + " q=" + q + " k=" + k);
        }
        assertEquals(a.masked(), a.quantize(a.dequantize(a.masked())));
        // Shifted form: value - h + h loses absolute precision near 0, so check codes well above
        // that.
        AdaLogQuantizer g = AdaLogQuantizer.postGelu(bits, 2f, q);
        for (int k = 0; k < g.levels(); k++) {
          if (g.tableUnshifted()[k] >= 1e-3f) {
            assertEquals(
                k, g.quantize(g.dequantize(k)), "gelu bits=" + bits + " q=" + q + " k=" + k);
          }
        }
      }
    }
  }

  @Test
  void tableMatchesPowerWithinTableRounding() {
    for (int bits : new int[] {3, 4, 6, 8}) {
      for (int q : new int[] {10, 23, 37, 50, 91, 137}) {
        AdaLogQuantizer a = new AdaLogQuantizer(bits, 2.5f, q, 0f);
        float[] table = a.table();
        assertEquals(a.levels() + 1, table.length);
        for (int k = 0; k < a.levels(); k++) {
          double exact = 2.5 * Math.pow(2, -(double) k * q / AdaLogQuantizer.R);
          if (exact < 1e-30) {
            continue;
          }
          double viaParts =
              2.5 * Math.scalb(1.0, -a.shift(k)) * a.fractionNumerator(k) / a.denominator();
          assertEquals(viaParts, table[k], viaParts * 1e-6);
          assertTrue(
              Math.abs(table[k] - exact) <= exact / a.denominator() + exact * 1e-6,
              "bits=" + bits + " q=" + q + " k=" + k);
        }
        assertEquals(0f, table[a.masked()]);
      }
    }
    assertEquals(14, new AdaLogQuantizer(3, 1f, 37, 0f).denominator());
    assertEquals(30, new AdaLogQuantizer(4, 1f, 37, 0f).denominator());
    assertEquals(126, new AdaLogQuantizer(6, 1f, 37, 0f).denominator());
  }

  @Test
  void tinyZeroNegativeAndNanAreMasked() {
    AdaLogQuantizer a = new AdaLogQuantizer(4, 1f, 37, 0f);
    assertEquals(16, a.quantize(0f));
    assertEquals(16, a.quantize(-0.5f));
    assertEquals(16, a.quantize(Float.NaN));
    assertEquals(16, a.quantize(1e-7f));
    assertEquals(0f, a.fakeQuant(1e-7f));
    assertEquals(0, a.quantize(5f)); // t >= 1 saturates at code 0
    AdaLogQuantizer g = AdaLogQuantizer.postGelu(4, 3f, 50);
    assertEquals(16, g.quantize(-AdaLogQuantizer.GELU_SHIFT));
    assertEquals(-AdaLogQuantizer.GELU_SHIFT, g.fakeQuant(-0.5f));
  }

  @Test
  void thresholdsEqualLogFormulaAwayFromBoundaries() {
    Random rnd = new Random(7);
    for (int bits : new int[] {3, 4, 6}) {
      for (int trial = 0; trial < 40; trial++) {
        int q =
            AdaLogQuantizer.MIN_Q + rnd.nextInt(AdaLogQuantizer.MAX_Q - AdaLogQuantizer.MIN_Q + 1);
        float s = 0.1f + 3 * rnd.nextFloat();
        float h = rnd.nextBoolean() ? 0f : AdaLogQuantizer.GELU_SHIFT;
        AdaLogQuantizer a = new AdaLogQuantizer(bits, s, q, h);
        assertEquals(1 << bits, a.thresholds().length);
        for (int i = 0; i < 500; i++) {
          float x = (float) (s * Math.pow(2, -rnd.nextDouble() * 30) - h);
          double t = ((double) x + h) / s;
          double l = -Math.log(t) / Math.log(2) * AdaLogQuantizer.R / q;
          if (Math.abs(l - Math.floor(l) - 0.5) < 1e-3 || t < 1e-30) {
            continue;
          }
          long k = Math.max(0, Math.round(l));
          int expected = k >= a.levels() ? a.masked() : (int) k;
          assertEquals(expected, a.quantize(x), "x=" + x + " " + a);
        }
      }
    }
  }

  @Test
  void foldedBiasMatchesShiftedTable() {
    Random rnd = new Random(3);
    int in = 48;
    int out = 7;
    int rows = 20;
    float[] w = new float[in * out];
    float[] b = new float[out];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) rnd.nextGaussian() * 0.2f;
    }
    for (int o = 0; o < out; o++) {
      b[o] = (float) rnd.nextGaussian();
    }
    AdaLogQuantizer g = AdaLogQuantizer.postGelu(4, 2.2f, 45);
    float[] shifted = g.table();
    float[] unshifted = g.tableUnshifted();
    float[] folded = AdaLogQuantizer.foldShiftIntoBias(b, w, in, out, g.shift());
    for (int r = 0; r < rows; r++) {
      int[] codes = new int[in];
      for (int i = 0; i < in; i++) {
        codes[i] = g.quantize((float) (rnd.nextGaussian() * 0.8));
      }
      for (int o = 0; o < out; o++) {
        double ref = b[o];
        double fold = folded[o];
        for (int i = 0; i < in; i++) {
          ref += shifted[codes[i]] * w[i * out + o];
          fold += unshifted[codes[i]] * w[i * out + o];
        }
        assertEquals(ref, fold, 1e-5 * (1 + Math.abs(ref)));
      }
    }
  }

  @Test
  void rejectsBadParameters() {
    assertThrows(IllegalArgumentException.class, () -> new AdaLogQuantizer(4, 1f, 9, 0f));
    assertThrows(IllegalArgumentException.class, () -> new AdaLogQuantizer(4, 1f, 138, 0f));
    assertThrows(IllegalArgumentException.class, () -> new AdaLogQuantizer(4, 0f, 37, 0f));
    assertThrows(IllegalArgumentException.class, () -> new AdaLogQuantizer(9, 1f, 37, 0f));
    assertThrows(
        IllegalArgumentException.class, () -> new AdaLogQuantizer(4, 1f, 37, 0f).dequantize(17));
  }
}
