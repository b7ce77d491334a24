package io.onnxq.runtime;

/**
 * Reference kernel of {@code com.onnxq::IntGelu}: I-BERT's integer GELU on uint8 codes, {@code
 * GELU(x) ~ x/2 * (1 + erf(x/sqrt 2))} with {@code erf(u) ~ sgn(u) [a (min(|u|, -b) + b)^2 + 1]}, a
 * = -0.2888, b = -1.769, followed by the requantization to the output grid.
 *
 * <p>This class is the specification. Every intermediate is an integer; {@link Constants#of}
 * chooses the erf shift so that each one stays below 2^24 in magnitude, which lets the function
 * body compute them exactly in float32.
 */
public final class IntGelu {

  /** The erf polynomial's coefficients (I-BERT). */
  public static final double A = -0.2888;

  public static final double B = -1.769;

  /** Every intermediate of the kernel stays strictly below this magnitude (float32-exact). */
  public static final long EXACT_LIMIT = 1L << 24;

  private static final int MAX_Q = 255;

  private IntGelu() {}

  /**
   * The op's constants for an input grid of scale {@code sIn} and an output grid of scale {@code
   * sOut}.
   *
   * @param b {@code floor(B / S_e)} with {@code S_e = sIn / sqrt 2} (negative)
   * @param c {@code floor((1/A) / S_e^2)} (negative)
   * @param shift right shift of the erf value, {@code 0..30}
   * @param one {@code floor(1 / S_erf)}, {@code S_erf = A S_e^2 2^shift} (negative)
   * @param m output multiplier {@code sIn S_erf / 2 / sOut} (negative: erf codes are negative)
   */
  public record Constants(int b, int c, int shift, int one, float m) {

    public Constants {
      if (b >= 0 || c >= 0 || one >= 0 || shift < 0 || shift > 30 || !(m < 0f)) {
        throw new IllegalArgumentException(
            "IntGelu constants out of range: b="
                + b
                + " c="
                + c
                + " shift="
                + shift
                + " one="
                + one
                + " m="
                + m);
      }
      if (maxIntermediate(b, c, shift, one) >= EXACT_LIMIT) {
        throw new IllegalArgumentException(
            "IntGelu intermediates reach 2^24 with b=" + b + " c=" + c + " shift=" + shift);
      }
    }

    /**
     * Constants for the given grids; the smallest shift that keeps the product {@code q (erf +
     * one)} below 2^24.
     *
     * @throws IllegalArgumentException when the input grid is too fine for exact float32 (its 8-bit
     *     range below about 0.25), or a scale is not positive and finite
     */
    public static Constants of(float sIn, float sOut) {
      if (!(sIn > 0f) || !(sOut > 0f) || Float.isInfinite(sIn) || Float.isInfinite(sOut)) {
        throw new IllegalArgumentException(
            "IntGelu scales must be positive and finite, got " + sIn + " and " + sOut);
      }
      double se = sIn / Math.sqrt(2);
      long b = (long) Math.floor(B / se);
      long c = (long) Math.floor((1 / A) / (se * se));
      if (b * b - c >= EXACT_LIMIT) {
        throw new IllegalArgumentException(
            "IntGelu input scale " + sIn + " is too fine: the erf polynomial passes 2^24");
      }
      for (int shift = 0; shift <= 30; shift++) {
        double sErf = A * se * se * Math.scalb(1.0, shift);
        long one = (long) Math.floor(1 / sErf);
        if (one < 0 && maxIntermediate(b, c, shift, one) < EXACT_LIMIT) {
          float m = (float) (sIn * sErf / 2 / sOut);
          return new Constants((int) b, (int) c, shift, (int) one, m);
        }
      }
      throw new IllegalArgumentException("no IntGelu shift fits input scale " + sIn);
    }
  }

  /** Largest magnitude of any intermediate of {@link #apply} for |q| <= 255. */
  static long maxIntermediate(long b, long c, int shift, long one) {
    long poly = b * b - c; // bounds (t + b)^2 <= b^2, |c| and |(t + b)^2 + c|
    long erf = poly / (1L << shift) + 1; // bounds |floorDiv(+-poly, 2^shift)|
    return Math.max(poly, MAX_Q * (erf - one));
  }

  /**
   * @param x uint8 input codes, zero point {@code zx}
   * @param zy output zero point; the output saturates to [0, 255]
   * @return uint8 output codes
   */
  public static byte[] apply(byte[] x, int zx, Constants k, int zy) {
    byte[] y = new byte[x.length];
    int[] table = table(zx, k, zy);
    for (int i = 0; i < x.length; i++) y[i] = (byte) table[x[i] & 0xFF];
    return y;
  }

  /** Output code of every input code 0..255 (the kernel is elementwise). */
  public static int[] table(int zx, Constants k, int zy) {
    int[] t = new int[256];
    for (int code = 0; code < 256; code++) t[code] = code(code - zx, k, zy);
    return t;
  }

  /** One element: {@code q} is the input code minus its zero point. */
  static int code(int q, Constants k, int zy) {
    long t = Math.min(Math.abs(q), -k.b());
    long poly = (t + k.b()) * (t + k.b()) + k.c();
    long erf = Math.floorDiv(Long.signum(q) * poly, 1L << k.shift());
    long g = q * (erf + k.one());
    float r = (float) Math.rint((float) g * k.m());
    long out = (long) r + zy;
    return (int) Math.max(0, Math.min(255, out));
  }
}
