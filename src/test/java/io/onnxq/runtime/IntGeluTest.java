package io.onnxq.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onnxq.quant.Gelu;
import org.junit.jupiter.api.Test;

class IntGeluTest {

  /** Largest error of the dequantized output against exact GELU over every input code. */
  static double maxError(float sIn, int zx, float sOut, int zy) {
    IntGelu.Constants k = IntGelu.Constants.of(sIn, sOut);
    int[] t = IntGelu.table(zx, k, zy);
    double worst = 0;
    for (int code = 0; code < 256; code++) {
      double x = (code - zx) * (double) sIn;
      double want = Math.max((0 - zy) * sOut, Math.min((255 - zy) * sOut, Gelu.of(x)));
      worst = Math.max(worst, Math.abs((t[code] - zy) * sOut - want));
    }
    return worst;
  }

  @Test
  void approximatesGeluWithinThePolynomialErrorPlusHalfAStep() {
    // I-BERT's second-order erf is within ~0.0095 of erf for |u| <= 1.769 and within 0.0105
    // beyond; times |x|/2 that is ~0.02 around |x| ~ 2.5, where the clamp takes over.
    for (float range : new float[] {4f, 8f, 16f, 30f}) {
      float sIn = range / 255;
      int zx = Math.round(0.6f * 255);
      float sOut = (range * 0.4f + 0.17f) / 255;
      int zy = 8;
      double err = maxError(sIn, zx, sOut, zy);
      assertTrue(err <= 0.03 + 0.5 * sOut, "range " + range + ": max error " + err);
    }
  }

  @Test
  void zeroIsZeroAndLargeInputsPassThrough() {
    float sIn = 0.05f;
    float sOut = 0.04f;
    IntGelu.Constants k = IntGelu.Constants.of(sIn, sOut);
    assertEquals(17, IntGelu.code(0, k, 17));
    // x = 100 * 0.05 = 5: GELU(5) = 5 - 1.4e-6, i.e. 125 output steps
    assertEquals(125 + 3, IntGelu.code(100, k, 3));
    // very negative inputs give 0, i.e. the zero point
    assertEquals(3, IntGelu.code(-120, k, 3));
  }

  @Test
  void outputSaturates() {
    IntGelu.Constants k = IntGelu.Constants.of(0.1f, 0.01f); // GELU(12.7) / 0.01 >> 255
    assertEquals(255, IntGelu.code(127, k, 10));
    assertEquals(0, IntGelu.code(-8, k, 0), "GELU(-0.8) = -0.17 is below a zero point of 0");
  }

  @Test
  void theShiftKeepsEveryIntermediateFloatExact() {
    assertEquals(0, IntGelu.Constants.of(0.06f, 0.03f).shift(), "8-bit scales need no shift");
    IntGelu.Constants fine = IntGelu.Constants.of(0.002f, 0.001f);
    assertTrue(fine.shift() > 0, "a fine input grid needs a shift");
    for (float s = 0.0012f; s < 20f; s *= 1.07f) {
      IntGelu.Constants k = IntGelu.Constants.of(s, s / 2);
      assertTrue(
          IntGelu.maxIntermediate(k.b(), k.c(), k.shift(), k.one()) < IntGelu.EXACT_LIMIT,
          "scale " + s);
    }
  }

  @Test
  void refusesGridsTooFineForFloat32AndBadScales() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> IntGelu.Constants.of(1e-4f, 0.01f));
    assertTrue(e.getMessage().contains("too fine"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> IntGelu.Constants.of(0f, 0.01f));
    assertThrows(IllegalArgumentException.class, () -> IntGelu.Constants.of(0.1f, Float.NaN));
  }
}
