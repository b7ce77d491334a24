package io.onnxq.eval;

import java.util.Arrays;

/**
 * One model's timed runs at one batch size: the median and the 10th and 90th percentiles, in ms.
 * Percentiles interpolate linearly between the two nearest sorted runs (numpy.percentile's
 * default), so the median of an even count is the mean of the middle two; p10..p90 is the spread
 * because, unlike min/max, one run disturbed by a neighbour on a shared machine does not move it.
 */
public record Latency(int batch, int runs, double medianMs, double p10Ms, double p90Ms) {
  public static Latency of(int batch, double[] ms) {
    if (ms.length == 0) throw new IllegalArgumentException("no timed runs");
    double[] s = ms.clone();
    Arrays.sort(s);
    return new Latency(batch, s.length, percentile(s, 0.5), percentile(s, 0.1), percentile(s, 0.9));
  }

  /** {@code p} in [0, 1] of ascending {@code sorted}. */
  static double percentile(double[] sorted, double p) {
    double pos = p * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
  }

  /**
   * This median over {@code baseline}'s, or null when they ran at different batch sizes (a model
   * fixed at another batch): such a ratio would compare different work.
   */
  public Double ratioTo(Latency baseline) {
    if (baseline == null || baseline.batch != batch) return null;
    return this == baseline ? 1.0 : medianMs / baseline.medianMs;
  }
}
