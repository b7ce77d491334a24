package io.onnxq.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onnxq.quant.AdaLogQuantizer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The kernels are the AdaLogQuantizer definitions restated in terms of the ops' inputs. */
class AdaLogKernelsTest {

  private static AdaLogQuantizer random(Random rnd) {
    int bits = 2 + rnd.nextInt(7);
    int q = AdaLogQuantizer.MIN_Q + rnd.nextInt(AdaLogQuantizer.MAX_Q - AdaLogQuantizer.MIN_Q + 1);
    float s = (float) Math.pow(10, rnd.nextDouble() * 4 - 2);
    float h =
        rnd.nextBoolean() ? 0f : rnd.nextBoolean() ? AdaLogQuantizer.GELU_SHIFT : rnd.nextFloat();
    return new AdaLogQuantizer(bits, s, q, h);
  }

  @Test
  void quantizeKernelEqualsQuantizer() {
    Random rnd = new Random(11);
    float[] special = {
      Float.NaN,
      0f,
      -0f,
      Float.MIN_VALUE,
      1e-40f,
      Float.POSITIVE_INFINITY,
      Float.NEGATIVE_INFINITY,
      Float.MAX_VALUE,
      -1e-30f
    };
    for (int c = 0; c < 300; c++) {
      AdaLogQuantizer a = random(rnd);
      float[] thr = a.thresholds();
      float[] x = new float[2000];
      for (int i = 0; i < x.length; i++) {
        x[i] =
            switch (i % 4) {
              case 0 -> special[rnd.nextInt(special.length)];
              case 1 -> thr[rnd.nextInt(thr.length)] * a.scale() - a.shift();
              case 2 -> (float) (a.scale() * Math.pow(2, -rnd.nextDouble() * 40)) - a.shift();
              default -> (float) (rnd.nextGaussian() * a.scale());
            };
      }
      int[] k = AdaLogQuantizeKernel.apply(x, a);
      for (int i = 0; i < x.length; i++) {
        assertEquals(a.quantize(x[i]), k[i], a + " x=" + x[i]);
      }
    }
  }

  @Test
  void unsortedThresholdsAreCountedLiterally() {
    float[] thr = {0.5f, 2f, Float.NaN, 1f};
    assertArrayEquals(
        new int[] {3, 2, 1, 0, 4, 4},
        AdaLogQuantizeKernel.apply(new float[] {0.25f, 1f, 1.5f, 3f, -1f, Float.NaN}, 0f, 1f, thr));
  }

  @Test
  void entryFromHardwareFieldsEqualsTable() {
    Random rnd = new Random(12);
    for (int c = 0; c < 300; c++) {
      AdaLogQuantizer a = random(rnd);
      float[] table = a.table();
      float[] unshifted = a.tableUnshifted();
      float unit =
          a.scale() / a.denominator(); // a float32 device's stored scale: one more rounding
      for (int k = 0; k < a.levels(); k++) {
        int sh = a.shift(k);
        int num = a.fractionNumerator(k);
        assertEquals(
            table[k],
            AdaLogDequantizeKernel.entry(a.scale(), a.shift(), sh, num, a.denominator()),
            a + " k=" + k);
        assertEquals(
            unshifted[k],
            AdaLogDequantizeKernel.entry(a.scale(), 0f, sh, num, a.denominator()),
            a + " k=" + k);
        float device = Math.scalb(unit * num, -sh);
        if (Math.getExponent(unshifted[k])
            >= Float.MIN_EXPONENT) { // ulp bound holds for normal values
          assertTrue(Math.abs(device - unshifted[k]) <= Math.ulp(unshifted[k]), a + " k=" + k);
        }
      }
    }
  }

  @Test
  void dequantizeIsLookup() {
    AdaLogQuantizer a = AdaLogQuantizer.postGelu(3, 2f, 37);
    float[] table = a.table();
    int[] k = {0, 1, 7, 8, 3};
    float[] y = AdaLogDequantizeKernel.apply(k, table);
    for (int i = 0; i < k.length; i++) {
      assertEquals(a.dequantize(k[i]), y[i]);
    }
    assertEquals(-AdaLogQuantizer.GELU_SHIFT, y[3]);
    assertThrows(
        IllegalArgumentException.class, () -> AdaLogDequantizeKernel.apply(new int[] {9}, table));
    assertThrows(
        IllegalArgumentException.class, () -> AdaLogDequantizeKernel.apply(new int[] {-1}, table));
  }
}
