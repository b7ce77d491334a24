package io.onnxq.calib.search;

import io.onnxq.quant.IntRange;
import io.onnxq.quant.QuantParams;
import io.onnxq.quant.UniformQuantizer;

/**
 * The grids the similarity search scales: it keeps each grid's zero points and multiplies its
 * max-based scales by one searched factor per tensor.
 */
public enum SimilarityGrid {
  /**
   * Liu et al. 2021 as published: clip(round(v / Delta), -2^(b-1), 2^(b-1) - 1), one Delta per
   * tensor for weights and inputs, starting from max|v| / (2^(b-1) - 1).
   */
  PAPER,
  /**
   * The project's grids: weights asymmetric unsigned per output channel, inputs asymmetric unsigned
   * per tensor, both starting from MinMax (so non-negative inputs use every level).
   */
  ONNXQ;

  /** Max-based starting grid of a weight [in, out] (per column under ONNXQ). */
  public QuantParams weightBase(float[] w, int in, int out, int bits) {
    if (this == PAPER) return symmetric(w, bits);
    float[] min = new float[out];
    float[] max = new float[out];
    for (int i = 0; i < in; i++) {
      for (int o = 0; o < out; o++) {
        float v = w[i * out + o];
        min[o] = Math.min(min[o], v);
        max[o] = Math.max(max[o], v);
      }
    }
    return UniformQuantizer.asymmetricPerChannel(min, max, 1, IntRange.uint(bits));
  }

  /** Max-based starting grid of an activation tensor (per tensor). */
  public QuantParams inputBase(float[] x, int bits) {
    if (this == PAPER) return symmetric(x, bits);
    float min = 0;
    float max = 0;
    for (float v : x) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    return UniformQuantizer.asymmetric(min, max, IntRange.uint(bits));
  }

  /** The base grid with every scale multiplied by {@code alpha}. */
  public static QuantParams scaled(QuantParams base, double alpha) {
    float[] s = base.scale();
    for (int i = 0; i < s.length; i++) s[i] = (float) (s[i] * alpha);
    return new QuantParams(s, base.zeroPoint(), base.axis(), base.range());
  }

  private static QuantParams symmetric(float[] v, int bits) {
    float m = 0;
    for (float x : v) m = Math.max(m, Math.abs(x));
    IntRange r = IntRange.sint(bits);
    float s = Math.max(m / r.qmax(), UniformQuantizer.MIN_SCALE);
    return QuantParams.perTensor(s, 0, r);
  }
}
