package io.onnxq.runtime;

/**
 * Reference kernel of {@code com.onnxq::LogIntSoftmax} (FQ-ViT log-int-softmax, 4-bit log2 codes).
 *
 * <p>This class is the specification: the ONNX function body in {@code io.onnxq.ops} must match it
 * bit for bit. All arithmetic is int64 and wraps exactly like ORT's int64 kernels.
 *
 * <p>Output code {@code k < 16} means probability {@code 2^-k}; {@code k == 16} means masked (0).
 */
public final class LogIntSoftmax {

  /** Fixed exponent range of the i-exp decomposition (FQ-ViT's {@code n}). */
  public static final int N_BITS = 30;

  /** Code meaning "probability 0". */
  public static final int MASKED = 16;

  /** Ratio used when a term underflows to e == 0, large enough to always give the masked code. */
  public static final long HUGE_RATIO = 1L << 40;

  /** Smallest ratio that gives the masked code: {@code 2 * ratio >= 3 * 2^(MASKED-1)}. */
  public static final long MASKED_RATIO = 3L << (MASKED - 2);

  private LogIntSoftmax() {}

  /** Integer constants of the i-exp polynomial, derived from the logit scale at convert time. */
  public record Constants(long x0Int, long bInt, long cInt) {

    public Constants {
      if (x0Int >= 0) {
        throw new IllegalArgumentException("x0Int must be negative, got " + x0Int);
      }
    }

    /** FQ-ViT int_exp constants for logit scale {@code s}; computed in double, then floored. */
    public static Constants forScale(float s) {
      if (!(s > 0f) || Float.isInfinite(s)) {
        throw new IllegalArgumentException("scale must be positive and finite, got " + s);
      }
      double sd = s;
      long x0 = (long) Math.floor(-0.6931 / sd);
      long b = (long) Math.floor((0.96963238 / 0.35815147) / sd);
      long c = (long) Math.floor((1.0 / 0.35815147) / (sd * sd));
      return new Constants(x0, b, c);
    }
  }

  /** Probability represented by a code: {@code 2^-code}, or 0 for the masked code (and above). */
  public static float dequant(int code) {
    return code < MASKED ? Math.scalb(1.0f, -code) : 0.0f;
  }

  /**
   * Applies the op to {@code rows} rows of length {@code n} stored contiguously in {@code x}.
   *
   * @param x quantized logits, unsigned bytes
   * @param zx logit zero point, 0..255
   * @return codes in [0, 16], same layout as {@code x}
   */
  public static byte[] apply(byte[] x, int rows, int n, int zx, Constants c) {
    if ((long) rows * n != x.length) {
      throw new IllegalArgumentException("x.length " + x.length + " != rows*n " + rows + "*" + n);
    }
    byte[] y = new byte[x.length];
    long[] e = new long[n];
    long lo = N_BITS * c.x0Int();
    for (int row = 0; row < rows; row++) {
      int off = row * n;
      long max = Long.MIN_VALUE;
      for (int j = 0; j < n; j++) {
        max = Math.max(max, (long) ((x[off + j] & 0xFF) - zx));
      }
      long sum = 0;
      for (int j = 0; j < n; j++) {
        long v = ((x[off + j] & 0xFF) - zx) - max;
        v = Math.max(v, lo);
        long q = v / c.x0Int(); // both <= 0 operands with x0 < 0: truncation == floor
        long r = v - q * c.x0Int();
        long z = r * (r + c.bInt()) + c.cInt();
        long ej = Math.max(z << (N_BITS - q), 0L);
        e[j] = ej;
        sum += ej;
      }
      for (int j = 0; j < n; j++) {
        y[off + j] = (byte) code(sum, e[j]);
      }
    }
    return y;
  }

  /** Code of one element: rounded log2 of sum/e with FQ-ViT's rule (round up from 1.5 * 2^k). */
  static int code(long sum, long e) {
    return codeOfRatio(e > 0 ? (2 * sum + e) / (2 * e) : HUGE_RATIO);
  }

  /**
   * Step 9: FQ-ViT's rounding of {@code log2 ratio} (floor, plus one from {@code 1.5 * 2^floor}),
   * saturated at {@link #MASKED}; the masked code starts at {@link #MASKED_RATIO}.
   */
  public static int codeOfRatio(long ratio) {
    long twice = 2 * ratio;
    int k = 0;
    // Count thresholds 3*2^(j-1), j = 1..16, instead of a log.
    for (int j = 1; j <= MASKED; j++) {
      if (twice >= (3L << (j - 1))) {
        k++;
      }
    }
    return k;
  }
}
