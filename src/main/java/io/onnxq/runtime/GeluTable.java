package io.onnxq.runtime;

import io.onnxq.quant.Gelu;

/**
 * Reference kernel of {@code com.onnxq::GeluTable}: GELU on uint8 codes as a 256-entry table, each
 * entry the output code nearest to the GELU of its input level, for the GELU form the source model
 * computes (erf, tanh or sigmoid). With 8-bit input codes no integer GELU is closer to it.
 *
 * <p>This class is the specification: {@link #of} defines the table from the form and the two
 * grids, and a backend may either use the table it finds in the call or rebuild it.
 */
public final class GeluTable {

  /** Number of input codes, and of table entries. */
  public static final int SIZE = 256;

  private GeluTable() {}

  /** The op's {@code form} input: the code of each GELU form. */
  public static int code(Gelu.Form form) {
    return form.ordinal();
  }

  /**
   * @throws IllegalArgumentException for a code that names no form
   */
  public static Gelu.Form form(int code) {
    Gelu.Form[] all = Gelu.Form.values();
    if (code < 0 || code >= all.length) {
      throw new IllegalArgumentException("GeluTable form must be 0..2, got " + code);
    }
    return all[code];
  }

  /**
   * {@code T[c] = clamp(rint(f((c - zx) sx) / sy) + zy, 0, 255)}, f the form's GELU, everything in
   * double, ties to even.
   *
   * @throws IllegalArgumentException when a scale is not positive and finite or a zero point is
   *     outside 0..255
   */
  public static int[] of(Gelu.Form form, float sx, int zx, float sy, int zy) {
    if (!(sx > 0f) || !(sy > 0f) || Float.isInfinite(sx) || Float.isInfinite(sy)) {
      throw new IllegalArgumentException(
          "GeluTable scales must be positive and finite, got " + sx + " and " + sy);
    }
    if (zx < 0 || zx >= SIZE || zy < 0 || zy >= SIZE) {
      throw new IllegalArgumentException(
          "GeluTable zero points must be in 0..255, got " + zx + " and " + zy);
    }
    int[] t = new int[SIZE];
    for (int c = 0; c < SIZE; c++) {
      double y = Math.rint(form.apply((c - zx) * (double) sx) / sy) + zy;
      t[c] = (int) Math.max(0, Math.min(SIZE - 1, y));
    }
    return t;
  }

  /** {@code Y[i] = T[X[i]]}. */
  public static byte[] apply(byte[] x, int[] table) {
    byte[] y = new byte[x.length];
    for (int i = 0; i < x.length; i++) y[i] = (byte) table[x[i] & 0xFF];
    return y;
  }
}
