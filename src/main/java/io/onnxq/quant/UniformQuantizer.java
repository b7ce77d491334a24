package io.onnxq.quant;

import io.onnxq.OnnxqException;

/**
 * Affine quantizer math: Q(x) = clamp(rint(x / s) + z, qmin, qmax), DQ(q) = (q - z) * s.
 *
 * <p>Bit-exact with ONNX Runtime's QuantizeLinear/DequantizeLinear: the division is done in float32
 * (a double quotient can round differently at .5 boundaries, e.g. 0.35f / 0.1f), rounding is
 * half-to-even, and DQ multiplies in float32.
 */
public final class UniformQuantizer {

  /** Smallest scale we emit; keeps x / s finite and DQ meaningful for degenerate ranges. */
  public static final float MIN_SCALE = Math.ulp(1f);

  private UniformQuantizer() {}

  public static int quantize(float x, float s, int z, IntRange r) {
    float v = x / s; // float32 on purpose, see class comment
    // Clamp in double so +-Infinity saturate instead of overflowing an int; NaN maps to z like ORT.
    double q = Math.rint(v) + z;
    if (q < r.qmin()) {
      return r.qmin();
    }
    if (q > r.qmax()) {
      return r.qmax();
    }
    return Double.isNaN(q) ? z : (int) q;
  }

  public static float dequantize(int q, float s, int z) {
    return (float) (q - z) * s;
  }

  public static float fakeQuant(float x, float s, int z, IntRange r) {
    return dequantize(quantize(x, s, z, r), s, z);
  }

  /**
   * Asymmetric (affine) params covering [min, max]. The range is widened to include 0 so that zero
   * is exactly representable (z is an integer code), which ONNX QDQ padding and ReLU rely on.
   */
  public static QuantParams asymmetric(float min, float max, IntRange r) {
    checkRange(min, max);
    double lo = Math.min(min, 0f);
    double hi = Math.max(max, 0f);
    float s = Math.max((float) ((hi - lo) / (r.qmax() - r.qmin())), MIN_SCALE);
    // Use the float scale that will be stored, so z is consistent with what the runtime sees.
    long z = r.qmin() - (long) Math.rint(lo / s);
    return QuantParams.perTensor(s, (int) Math.max(r.qmin(), Math.min(r.qmax(), z)), r);
  }

  /**
   * Symmetric params for [-absMax, absMax]. Full ranges (int8 [-128, 127]) use s = 2 absMax / (qmax
   * - qmin) like ORT; narrow/reduced ranges (qmin == -qmax) use s = absMax / qmax so +-absMax map
   * exactly onto +-qmax. z = 0 for signed grids; an unsigned grid gets its midpoint (as ORT does).
   */
  public static QuantParams symmetric(float absMax, IntRange r) {
    if (!Float.isFinite(absMax) || absMax < 0f) {
      throw new OnnxqException(
          "cannot quantize: absolute maximum " + absMax + " is not a finite value >= 0");
    }
    double denom = r.isSymmetricNarrow() ? r.qmax() : (r.qmax() - (double) r.qmin()) / 2.0;
    float s = Math.max((float) (absMax / denom), MIN_SCALE);
    int z = r.signed() ? 0 : (int) Math.rint((r.qmin() + (double) r.qmax()) / 2.0);
    return QuantParams.perTensor(s, z, r);
  }

  /** Per-channel asymmetric params, one (min, max) pair per slice along {@code axis}. */
  public static QuantParams asymmetricPerChannel(float[] min, float[] max, int axis, IntRange r) {
    if (min.length != max.length) {
      throw new IllegalArgumentException(
          "min/max lengths differ: " + min.length + " vs " + max.length);
    }
    float[] s = new float[min.length];
    int[] z = new int[min.length];
    for (int c = 0; c < min.length; c++) {
      QuantParams p = asymmetric(min[c], max[c], r);
      s[c] = p.scale(0);
      z[c] = p.zeroPoint(0);
    }
    return QuantParams.perChannel(s, z, axis, r);
  }

  /** Per-channel symmetric params, one absMax per slice along {@code axis}. */
  public static QuantParams symmetricPerChannel(float[] absMax, int axis, IntRange r) {
    float[] s = new float[absMax.length];
    int[] z = new int[absMax.length];
    for (int c = 0; c < absMax.length; c++) {
      QuantParams p = symmetric(absMax[c], r);
      s[c] = p.scale(0);
      z[c] = p.zeroPoint(0);
    }
    return QuantParams.perChannel(s, z, axis, r);
  }

  /** Mean squared error between x[off..off+len) and DQ(Q(x)); 0 for an empty slice. */
  public static double mse(float[] x, int off, int len, float s, int z, IntRange r) {
    if (len == 0) {
      return 0.0;
    }
    double sum = 0.0;
    for (int i = off, end = off + len; i < end; i++) {
      double d = (double) x[i] - fakeQuant(x[i], s, z, r);
      sum += d * d;
    }
    return sum / len;
  }

  public static double mse(float[] x, QuantParams p) {
    if (p.isPerChannel()) {
      throw new IllegalArgumentException("mse(float[], QuantParams) needs per-tensor params");
    }
    return mse(x, 0, x.length, p.scale(0), p.zeroPoint(0), p.range());
  }

  private static void checkRange(float min, float max) {
    if (!Float.isFinite(min) || !Float.isFinite(max)) {
      throw new OnnxqException(
          "cannot quantize: observed range [" + min + ", " + max + "] is not finite");
    }
    if (min > max) {
      throw new IllegalArgumentException("min " + min + " > max " + max);
    }
  }
}
