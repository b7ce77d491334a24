package io.onnxq.calib.search;

/**
 * The similarity of Liu et al. 2021: the Pearson correlation between the FP32 and the quantized
 * output of one calibration sample over its whole flattened output, averaged over the samples. It
 * is invariant to a positive scale of either side, which lets the searches score integer code
 * products without their scales.
 */
public final class Pearson {
  private Pearson() {}

  /** Running sums of one sample's (y, z) pairs. */
  static final class Sums {
    double n;
    double y;
    double z;
    double yy;
    double zz;
    double yz;

    void add(double yv, double zv) {
      n++;
      y += yv;
      z += zv;
      yy += yv * yv;
      zz += zv * zv;
      yz += yv * zv;
    }

    void add(Sums o) {
      n += o.n;
      y += o.y;
      z += o.z;
      yy += o.yy;
      zz += o.zz;
      yz += o.yz;
    }

    /** The correlation; 0 where either side is constant (no linear relation to measure). */
    double correlation() {
      double vy = yy - y * y / n;
      double vz = zz - z * z / n;
      if (!(vy > 0) || !(vz > 0)) return 0;
      return (yz - y * z / n) / Math.sqrt(vy * vz);
    }
  }

  /** Pearson correlation of two equally long arrays. */
  public static double of(float[] y, float[] z) {
    return meanPerSample(y, z, 1);
  }

  /**
   * Mean over {@code samples} equal consecutive segments of the per-segment correlation.
   *
   * @param y FP32 output, samples x (values per sample)
   * @param z quantized output, same layout
   */
  public static double meanPerSample(float[] y, float[] z, int samples) {
    if (y.length != z.length || samples < 1 || y.length % samples != 0) {
      throw new IllegalArgumentException(
          "outputs of " + y.length + " and " + z.length + " values in " + samples + " samples");
    }
    int per = y.length / samples;
    double sum = 0;
    for (int n = 0; n < samples; n++) {
      Sums s = new Sums();
      for (int i = n * per, end = i + per; i < end; i++) s.add(y[i], z[i]);
      sum += s.correlation();
    }
    return sum / samples;
  }
}
