package io.onnxq.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GeluTest {

  @Test
  void erfMatchesTabulatedValues() {
    // Reference values: Python's math.erf (the C library's), 16 digits.
    assertEquals(0.5204998778130465, Gelu.erf(0.5), 1e-14);
    assertEquals(0.8427007929497149, Gelu.erf(1), 1e-14);
    assertEquals(-0.9953222650189527, Gelu.erf(-2), 1e-14);
    assertEquals(0.9999779095030014, Gelu.erf(3), 1e-12);
    assertEquals(0.9999992569016276, Gelu.erf(3.5), 1e-11);
    assertEquals(0.9999999845827421, Gelu.erf(4), 1e-12);
    assertEquals(0, Gelu.erf(0));
    assertEquals(1, Gelu.erf(40));
    assertTrue(Double.isNaN(Gelu.erf(Double.NaN)));
  }

  @Test
  void seriesMeetWithoutAJumpAtTheSwitch() {
    double below = Gelu.erf(Math.nextDown(3.5));
    double at = Gelu.erf(3.5);
    assertEquals(below, at, 1e-11, "Taylor and asymptotic series disagree at 3.5");
    for (double u = 3.4; u < 3.6; u += 1e-3) {
      assertTrue(Gelu.erf(u + 1e-3) >= Gelu.erf(u), "erf must increase at " + u);
    }
  }

  @Test
  void geluKnownValuesAndShape() {
    assertEquals(0.8413447460685429, Gelu.of(1), 1e-14); // 1 * Phi(1)
    assertEquals(-0.15865525393145707, Gelu.of(-1), 1e-14);
    assertEquals(0, Gelu.of(0));
    double min = Double.MAX_VALUE;
    for (double x = -3; x < 0; x += 1e-4) min = Math.min(min, Gelu.of(x));
    assertEquals(-0.16997120, min, 1e-6, "GELU's minimum (at x = -0.7518)");
    assertEquals(6, Gelu.of(6), 1e-8);
    assertEquals(0, Gelu.of(-6), 1e-8);
  }

  @Test
  void theApproximationsStayWithinTheirKnownDistance() {
    double tanh = 0;
    double sigmoid = 0;
    for (double x = -8; x <= 8; x += 1e-3) {
      tanh = Math.max(tanh, Math.abs(Gelu.tanhForm(x) - Gelu.of(x)));
      sigmoid = Math.max(sigmoid, Math.abs(Gelu.sigmoidForm(x) - Gelu.of(x)));
    }
    assertTrue(tanh > 1e-4 && tanh < 5e-4, "tanh form differs by " + tanh);
    assertTrue(sigmoid > 0.015 && sigmoid < 0.021, "sigmoid form differs by " + sigmoid);
    assertEquals(Gelu.of(1.3), Gelu.Form.ERF.apply(1.3));
    assertEquals(Gelu.tanhForm(1.3), Gelu.Form.TANH.apply(1.3));
    assertEquals(Gelu.sigmoidForm(1.3), Gelu.Form.SIGMOID.apply(1.3));
  }
}
