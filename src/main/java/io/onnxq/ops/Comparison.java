package io.onnxq.ops;

/** Elements a kernel check compared, how many differ, and the largest absolute difference. */
public record Comparison(long elements, long mismatches, double maxAbsDiff) {
  public static Comparison of(long[] expected, long[] actual) {
    long bad = 0;
    double max = 0;
    int n = Math.min(expected.length, actual.length);
    for (int i = 0; i < n; i++) {
      double d = Math.abs((double) expected[i] - actual[i]);
      if (d != 0) bad++;
      max = Math.max(max, d);
    }
    bad += Math.abs(expected.length - actual.length);
    return new Comparison(expected.length, bad, max);
  }

  /** Float outputs must match bit for bit (NaN equals NaN, +0 differs from -0). */
  public static Comparison of(float[] expected, float[] actual) {
    long bad = 0;
    double max = 0;
    int n = Math.min(expected.length, actual.length);
    for (int i = 0; i < n; i++) {
      if (Float.floatToIntBits(expected[i]) != Float.floatToIntBits(actual[i])) {
        bad++;
        double d = Math.abs((double) expected[i] - actual[i]);
        max = Math.max(max, Double.isNaN(d) ? Double.POSITIVE_INFINITY : d);
      }
    }
    bad += Math.abs(expected.length - actual.length);
    return new Comparison(expected.length, bad, max);
  }

  public Comparison plus(Comparison o) {
    return new Comparison(
        elements + o.elements, mismatches + o.mismatches, Math.max(maxAbsDiff, o.maxAbsDiff));
  }
}
