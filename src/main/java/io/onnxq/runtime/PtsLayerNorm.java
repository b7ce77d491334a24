package io.onnxq.runtime;

import java.util.Arrays;

/**
 * Reference kernel of {@code com.onnxq::PtsLayerNorm}: FQ-ViT integer LayerNorm on an input
 * quantized with power-of-two channel factors (channel scale {@code s_base * 2^alpha_c}).
 *
 * <p>This class is the specification: the ONNX function body must match it bit for bit, so the
 * float parts are float32 operations in exactly the body's order (never double, except where a
 * double result is provably identical: a float-exact sqrt, floor and rint).
 */
public final class PtsLayerNorm {

  /** Output multipliers carry 8 significant bits: M in [128, 255] unless clamped. */
  public static final int M_MAX = 255;

  /** Exponent clamp of |A|: e in [E_MIN, E_MAX], shift N = E_MAX - e in [0, 31]. */
  public static final int E_MIN = -24;

  public static final int E_MAX = 7;

  /**
   * Largest channel count: {@code C * S2 <= (2040 * C)^2} stays below 2^53, so the function body
   * sums in double exactly.
   */
  public static final int MAX_CHANNELS = 46_500;

  /**
   * Bounds on |G| and |Bt| that {@link Constants#of} enforces: they keep {@code |u * 2^N|} below
   * 2^62, so {@code B} and the accumulator never overflow int64 (see docs/custom-ops.md).
   */
  public static final float G_LIMIT = 0x1p40f;

  public static final float BT_LIMIT = 0x1p30f;

  private PtsLayerNorm() {}

  /**
   * Per-channel float inputs of the op: {@code G = C * gamma / s_out}, {@code Bt = beta / s_out}.
   */
  public record Constants(float[] g, float[] bt) {

    public Constants {
      if (g.length != bt.length) {
        throw new IllegalArgumentException(
            "G and Bt lengths differ: " + g.length + " vs " + bt.length);
      }
    }

    public int channels() {
      return g.length;
    }

    public static Constants of(float[] gamma, float[] beta, float sOut) {
      float[] s = new float[gamma.length];
      Arrays.fill(s, sOut);
      return of(gamma, beta, s);
    }

    /**
     * With an output scale per channel: the output grid may be the next LayerNorm's PTF grid
     * (channel scales {@code s_base * 2^alpha_c}, one zero point), since G and Bt are per channel.
     */
    public static Constants of(float[] gamma, float[] beta, float[] sOut) {
      if (gamma.length != beta.length || gamma.length != sOut.length) {
        throw new IllegalArgumentException("gamma/beta/s_out lengths differ");
      }
      int c = gamma.length;
      if (c > MAX_CHANNELS) {
        throw new IllegalArgumentException(
            "PtsLayerNorm supports at most " + MAX_CHANNELS + " channels, got " + c);
      }
      float[] g = new float[c];
      float[] bt = new float[c];
      for (int i = 0; i < c; i++) {
        if (!(sOut[i] > 0f) || Float.isInfinite(sOut[i])) {
          throw new IllegalArgumentException("s_out must be positive and finite, got " + sOut[i]);
        }
        g[i] = (float) ((double) c * gamma[i] / sOut[i]);
        bt[i] = (float) ((double) beta[i] / sOut[i]);
        if (!(Math.abs(g[i]) < G_LIMIT) || !(Math.abs(bt[i]) < BT_LIMIT)) {
          throw new IllegalArgumentException(
              "channel "
                  + i
                  + ": C * gamma / s_out = "
                  + g[i]
                  + " and beta / s_out = "
                  + bt[i]
                  + " must be below 2^40 and 2^30 in magnitude (s_out "
                  + sOut[i]
                  + " is too fine for gamma "
                  + gamma[i]
                  + ", beta "
                  + beta[i]
                  + ")");
        }
      }
      return new Constants(g, bt);
    }
  }

  /** Exact float32 2^n for n in [0, 31]. */
  static float pow2f(int n) {
    return (float) (1L << n);
  }

  /**
   * Shift N = 7 - e for |a|, where e = floor(log2 |a|) clamped to [-24, 7]; computed by counting
   * thresholds (as the body does) so no log approximation is involved.
   */
  static int shift(float absA) {
    int count = 0;
    for (int t = E_MIN + 1; t <= E_MAX; t++) {
      if (absA >= Math.scalb(1.0f, t)) {
        count++;
      }
    }
    return E_MAX - (E_MIN + count);
  }

  /**
   * @param x [rows, c] unsigned bytes
   * @param zx input zero point 0..255
   * @param alpha [c] power-of-two factors 0..3
   * @param zy output zero point 0..255
   * @return [rows, c] unsigned bytes with scale s_out and zero point zy
   */
  public static byte[] apply(byte[] x, int rows, int c, int zx, byte[] alpha, Constants k, int zy) {
    if ((long) rows * c != x.length || alpha.length != c || k.channels() != c) {
      throw new IllegalArgumentException(
          "shape mismatch: x "
              + x.length
              + ", alpha "
              + alpha.length
              + ", constants "
              + k.channels()
              + " for rows="
              + rows
              + " c="
              + c);
    }
    byte[] y = new byte[x.length];
    long[] xt = new long[c];
    float cf = (float) c;
    for (int row = 0; row < rows; row++) {
      int off = row * c;
      long s1 = 0;
      long s2 = 0;
      for (int i = 0; i < c; i++) {
        long v = (long) ((x[off + i] & 0xFF) - zx) << (alpha[i] & 0xFF);
        xt[i] = v;
        s1 += v;
        s2 += v * v;
      }
      long dd = c * s2 - s1 * s1;
      // D is an integer, so max(D, 1) only changes D == 0 (constant row: normalized value 0).
      float sd =
          (float) Math.sqrt(Math.max((float) dd, 1.0f)); // float sqrt via double is exact-rounded
      float m = (float) s1 / sd;
      for (int i = 0; i < c; i++) {
        float a = k.g()[i] / sd;
        float absA = Math.abs(a);
        int n = shift(absA);
        float p2 = pow2f(n);
        long mm = Math.min((long) Math.floor(absA * p2), M_MAX);
        long sign = a < 0f ? -1 : 1;
        float g = k.g()[i] / cf;
        float u = k.bt()[i] - m * g;
        float v = u * p2;
        long b = (long) Math.rint(v);
        long p2i = 1L << n;
        long acc = sign * mm * xt[i] + b + (p2i >> 1);
        long q = Math.floorDiv(acc, p2i) + zy;
        y[off + i] = (byte) Math.max(0, Math.min(255, q));
      }
    }
    return y;
  }
}
