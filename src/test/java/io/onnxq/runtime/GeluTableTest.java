package io.onnxq.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.onnxq.quant.Gelu;
import org.junit.jupiter.api.Test;

class GeluTableTest {
  private static final float SX = 0.06f;
  private static final int ZX = 60;
  private static final float SY = 0.05f;
  private static final int ZY = 4;
  private static final int[] CODES = {0, 47, 55, 60, 65, 72, 80, 100, 150, 255};

  private static int[] at(int[] table) {
    int[] v = new int[CODES.length];
    for (int i = 0; i < CODES.length; i++) v[i] = table[CODES[i]];
    return v;
  }

  /** Entries computed independently (Python: round(f((c - 60) * 0.06) / 0.05) + 4, libm erf). */
  @Test
  void entriesAreTheNearestOutputCodes() {
    assertArrayEquals(
        new int[] {4, 1, 2, 4, 8, 15, 25, 52, 112, 238},
        at(GeluTable.of(Gelu.Form.ERF, SX, ZX, SY, ZY)));
    assertArrayEquals(
        new int[] {4, 1, 2, 4, 8, 15, 25, 52, 112, 238},
        at(GeluTable.of(Gelu.Form.TANH, SX, ZX, SY, ZY)));
    assertArrayEquals(
        new int[] {4, 1, 2, 4, 8, 15, 25, 51, 112, 238},
        at(GeluTable.of(Gelu.Form.SIGMOID, SX, ZX, SY, ZY)));
  }

  @Test
  void theSigmoidFormIsItsOwnTable() {
    int[] erf = GeluTable.of(Gelu.Form.ERF, SX, ZX, SY, ZY);
    int[] sigmoid = GeluTable.of(Gelu.Form.SIGMOID, SX, ZX, SY, ZY);
    // x * sigmoid(1.702 x) is up to 0.02 off GELU: codes 15 (x = -2.7) and 100 (x = 2.4) differ
    assertNotEquals(erf[15], sigmoid[15]);
    assertNotEquals(erf[100], sigmoid[100]);
  }

  @Test
  void outputSaturatesAtBothEnds() {
    int[] t = GeluTable.of(Gelu.Form.ERF, 0.1f, 0, 0.01f, 0);
    assertEquals(255, t[255], "GELU(25.5) / 0.01 is far above 255");
    int[] neg = GeluTable.of(Gelu.Form.ERF, 0.1f, 128, 0.01f, 0);
    assertEquals(0, neg[120], "GELU(-0.8) < 0 is below a zero point of 0");
  }

  @Test
  void applyLooksEachCodeUp() {
    int[] t = GeluTable.of(Gelu.Form.ERF, 0.05f, 100, 0.04f, 5);
    byte[] x = {0, 100, (byte) 200, (byte) 255};
    byte[] y = GeluTable.apply(x, t);
    assertArrayEquals(new byte[] {(byte) t[0], 5, (byte) t[200], (byte) t[255]}, y);
  }

  @Test
  void formCodesRoundTripAndBadInputsAreRefused() {
    for (Gelu.Form f : Gelu.Form.values()) assertEquals(f, GeluTable.form(GeluTable.code(f)));
    assertThrows(IllegalArgumentException.class, () -> GeluTable.form(3));
    assertThrows(IllegalArgumentException.class, () -> GeluTable.of(Gelu.Form.ERF, 0f, 0, 0.1f, 0));
    assertThrows(
        IllegalArgumentException.class, () -> GeluTable.of(Gelu.Form.ERF, 0.1f, 0, Float.NaN, 0));
    assertThrows(
        IllegalArgumentException.class, () -> GeluTable.of(Gelu.Form.ERF, 0.1f, 256, 0.1f, 0));
    assertThrows(
        IllegalArgumentException.class, () -> GeluTable.of(Gelu.Form.ERF, 0.1f, 0, 0.1f, -1));
  }
}
