package io.onnxq.quant;

/**
 * The integer grid [qmin, qmax] codes are clamped to.
 *
 * <p>Symmetric narrow ranges (qmin == -qmax, e.g. int8 [-127, 127]) matter: there the symmetric
 * scale is absMax / qmax so both ends of the real range land on a code, and the grid is exactly
 * symmetric around zero.
 */
public record IntRange(int qmin, int qmax, boolean signed) {

  public IntRange {
    if (qmin >= qmax) {
      throw new IllegalArgumentException("empty integer range [" + qmin + ", " + qmax + "]");
    }
    if (!signed && qmin < 0) {
      throw new IllegalArgumentException("unsigned range with negative qmin " + qmin);
    }
  }

  /** Unsigned full range [0, 2^bits - 1], e.g. uint8 = [0, 255]. */
  public static IntRange uint(int bits) {
    checkBits(bits, 1);
    return new IntRange(0, (1 << bits) - 1, false);
  }

  /** Signed full range [-2^(bits-1), 2^(bits-1) - 1], e.g. int8 = [-128, 127]. */
  public static IntRange sint(int bits) {
    checkBits(bits, 2);
    return new IntRange(-(1 << (bits - 1)), (1 << (bits - 1)) - 1, true);
  }

  /** Signed symmetric narrow range [-(2^(bits-1) - 1), 2^(bits-1) - 1], e.g. int8 = [-127, 127]. */
  public static IntRange sintNarrow(int bits) {
    checkBits(bits, 2);
    int m = (1 << (bits - 1)) - 1;
    return new IntRange(-m, m, true);
  }

  /**
   * Signed symmetric range with one magnitude bit less, e.g. int8 = [-63, 63]. x86 without VNNI
   * multiplies u8*s8 pairs into a saturating int16 (vpmaddubsw); 7-bit magnitudes cannot saturate.
   */
  public static IntRange sintReduced(int bits) {
    checkBits(bits, 3);
    return sintNarrow(bits - 1);
  }

  /** Number of representable codes. */
  public int levels() {
    return qmax - qmin + 1;
  }

  /** True for grids symmetric around zero (qmin == -qmax). */
  public boolean isSymmetricNarrow() {
    return qmin == -qmax;
  }

  /** Whether every code fits in a Java byte (int8 storage). */
  public boolean fitsInt8() {
    return qmin >= Byte.MIN_VALUE && qmax <= Byte.MAX_VALUE;
  }

  private static void checkBits(int bits, int min) {
    if (bits < min || bits > 16) {
      throw new IllegalArgumentException("bit width " + bits + " outside [" + min + ", 16]");
    }
  }

  @Override
  public String toString() {
    return (signed ? "int" : "uint") + "[" + qmin + ", " + qmax + "]";
  }
}
