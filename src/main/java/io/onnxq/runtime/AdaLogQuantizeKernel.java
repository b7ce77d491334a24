package io.onnxq.runtime;

import io.onnxq.quant.AdaLogQuantizer;

/**
 * Reference kernel of {@code com.onnxq::AdaLogQuantize} / {@code AdaLogQuantize16}: AdaLog codes
 * from the op's inputs alone (shift h, scale s, thresholds), so a graph can be checked without
 * knowing the quantizer's base parameter q.
 *
 * <p>It is the threshold-count definition of {@link AdaLogQuantizer#quantize}: {@code t = (x + h) /
 * s} in float32, code = masked (= thresholds.length) unless {@code t > 0}, else {@code #{ j : t <=
 * thresholds[j] }}. For {@code t <= 0} every threshold (all >= 0) is met, so the count itself is
 * already the masked code; only NaN needs the explicit case, as in the body. {@code
 * AdaLogQuantizeKernelTest} checks equality with {@code quantize} element by element.
 */
public final class AdaLogQuantizeKernel {

  private AdaLogQuantizeKernel() {}

  /** Codes in [0, thresholds.length]; thresholds.length is the masked code. */
  public static int[] apply(float[] x, float h, float s, float[] thresholds) {
    int masked = thresholds.length;
    boolean descending = isDescending(thresholds);
    int[] k = new int[x.length];
    for (int i = 0; i < x.length; i++) {
      float t = (x[i] + h) / s; // float32 add, then divide: same two roundings as the body
      if (!(t > 0f)) {
        k[i] = masked;
      } else {
        k[i] = descending ? prefixCount(t, thresholds) : linearCount(t, thresholds);
      }
    }
    return k;
  }

  /** The op's inputs taken from a quantizer: h = shift(), s = scale(), its thresholds. */
  public static int[] apply(float[] x, AdaLogQuantizer q) {
    return apply(x, q.shift(), q.scale(), q.thresholds());
  }

  // For non-increasing thresholds {j : t <= thr[j]} is a prefix, so binary search gives the same
  // count; anything else (unsorted, NaN) falls back to the literal count the body does.
  private static boolean isDescending(float[] thr) {
    for (int j = 1; j < thr.length; j++) {
      if (!(thr[j] <= thr[j - 1])) return false;
    }
    return thr.length == 0 || !Float.isNaN(thr[0]);
  }

  private static int prefixCount(float t, float[] thr) {
    int lo = 0, hi = thr.length; // answer in [lo, hi]
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (t <= thr[mid]) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private static int linearCount(float t, float[] thr) {
    int c = 0;
    for (float v : thr) {
      if (t <= v) c++;
    }
    return c;
  }
}
