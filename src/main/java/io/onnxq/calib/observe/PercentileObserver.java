package io.onnxq.calib.observe;

import io.onnxq.quant.IntRange;

/**
 * Clips each batch to its [q, 1 - q] quantiles (q = 1e-5 by default) and smooths the clipped range
 * across batches with the EMA rule. Quantiles come from histograms, never from sorting or copying
 * the batch: a coarse histogram between the batch min and max locates the quantile's bin, and a
 * second histogram inside just that bin refines it, interpolating between the smallest and largest
 * value actually seen in the final fine bin. The error is thus below (max - min) / bins^2 even when
 * a single outlier stretches the coarse bins, and q = 0 reproduces min/max exactly.
 */
public final class PercentileObserver implements Observer {
  public static final double DEFAULT_QUANTILE = 1e-5;
  public static final int DEFAULT_BINS = 4096;

  private final double quantile;
  private final double momentum;
  private final int bins;
  // Reused across batches: memory is 3 x bins ints whatever the batch count.
  private final int[] coarse;
  private final int[] fineLo;
  private final int[] fineHi;
  private final float[][] fineLoRange;
  private final float[][] fineHiRange;
  private double min;
  private double max;
  private boolean initialised;

  public PercentileObserver() {
    this(DEFAULT_QUANTILE, DEFAULT_BINS, EmaObserver.DEFAULT_MOMENTUM);
  }

  public PercentileObserver(double quantile, int bins, double momentum) {
    if (!(quantile >= 0 && quantile < 0.5)) {
      throw new IllegalArgumentException("quantile " + quantile + " outside [0, 0.5)");
    }
    if (bins < 2) {
      throw new IllegalArgumentException("need at least 2 bins, got " + bins);
    }
    if (!(momentum > 0 && momentum <= 1)) {
      throw new IllegalArgumentException("momentum " + momentum + " outside (0, 1]");
    }
    this.quantile = quantile;
    this.bins = bins;
    this.momentum = momentum;
    this.coarse = new int[bins];
    this.fineLo = new int[bins];
    this.fineHi = new int[bins];
    this.fineLoRange = new float[2][bins];
    this.fineHiRange = new float[2][bins];
  }

  @Override
  public void update(float[] data, int rows, int channels) {
    int n = ObserverSupport.size(data, rows, channels);
    float bMin = Float.POSITIVE_INFINITY;
    float bMax = Float.NEGATIVE_INFINITY;
    int count = 0;
    for (int i = 0; i < n; i++) {
      float x = data[i];
      if (Float.isFinite(x)) {
        count++;
        bMin = Math.min(bMin, x);
        bMax = Math.max(bMax, x);
      }
    }
    if (count == 0) {
      return;
    }
    double lo;
    double hi;
    if (bMin == bMax) {
      lo = bMin;
      hi = bMax;
    } else {
      double[] q =
          quantiles(data, n, bMin, bMax, quantile * (count - 1), (1 - quantile) * (count - 1));
      lo = q[0];
      hi = q[1];
    }
    if (!initialised) {
      min = lo;
      max = hi;
      initialised = true;
    } else {
      min = ObserverSupport.ema(min, lo, momentum);
      max = ObserverSupport.ema(max, hi, momentum);
    }
  }

  /**
   * Values at fractional ranks rankLo and rankHi (0-based, numpy 'linear' convention: rank q(n-1))
   * among the finite values of data[0..n).
   */
  private double[] quantiles(
      float[] data, int n, float bMin, float bMax, double rankLo, double rankHi) {
    java.util.Arrays.fill(coarse, 0);
    java.util.Arrays.fill(fineLo, 0);
    java.util.Arrays.fill(fineHi, 0);
    resetRange(fineLoRange);
    resetRange(fineHiRange);
    double width = ((double) bMax - bMin) / bins;
    for (int i = 0; i < n; i++) {
      float x = data[i];
      if (Float.isFinite(x)) {
        coarse[bin(x, bMin, width)]++;
      }
    }
    double[] cumLo = new double[1];
    double[] cumHi = new double[1];
    int bLo = locate(coarse, rankLo, cumLo);
    int bHi = locate(coarse, rankHi, cumHi);
    double edgeLo = bMin + bLo * width;
    double edgeHi = bMin + bHi * width;
    double fineWidth = width / bins;
    for (int i = 0; i < n; i++) {
      float x = data[i];
      if (Float.isFinite(x)) {
        int b = bin(x, bMin, width);
        if (b == bLo) {
          add(fineLo, fineLoRange, bin(x, edgeLo, fineWidth), x);
        }
        if (b == bHi) {
          add(fineHi, fineHiRange, bin(x, edgeHi, fineWidth), x);
        }
      }
    }
    return new double[] {
      refine(fineLo, fineLoRange, rankLo - cumLo[0]), refine(fineHi, fineHiRange, rankHi - cumHi[0])
    };
  }

  private static void resetRange(float[][] range) {
    java.util.Arrays.fill(range[0], Float.POSITIVE_INFINITY);
    java.util.Arrays.fill(range[1], Float.NEGATIVE_INFINITY);
  }

  private static void add(int[] hist, float[][] range, int b, float x) {
    hist[b]++;
    range[0][b] = Math.min(range[0][b], x);
    range[1][b] = Math.max(range[1][b], x);
  }

  private int bin(float x, double origin, double width) {
    int b = (int) ((x - origin) / width);
    return b < 0 ? 0 : Math.min(b, bins - 1);
  }

  /** Bin holding the value of the given rank; cumBefore[0] receives the count below that bin. */
  private static int locate(int[] hist, double rank, double[] cumBefore) {
    long cum = 0;
    for (int b = 0; b < hist.length; b++) {
      if (cum + hist[b] > rank) {
        cumBefore[0] = cum;
        return b;
      }
      cum += hist[b];
    }
    // rank == total count only through rounding; answer the last occupied bin.
    for (int b = hist.length - 1; b >= 0; b--) {
      if (hist[b] > 0) {
        cumBefore[0] = cum - hist[b];
        return b;
      }
    }
    throw new IllegalStateException("empty histogram");
  }

  /**
   * Value of a local rank inside the fine histogram: linear between the smallest and largest value
   * of its fine bin, i.e. assuming the bin's values are evenly spread between them.
   */
  private static double refine(int[] fine, float[][] range, double localRank) {
    double[] cum = new double[1];
    int b = locate(fine, localRank, cum);
    double t = fine[b] > 1 ? (localRank - cum[0]) / (fine[b] - 1) : 0.0;
    t = Math.max(0.0, Math.min(1.0, t));
    return range[0][b] + t * ((double) range[1][b] - range[0][b]);
  }

  @Override
  public ValueRange range(IntRange range) {
    if (!initialised) {
      throw ObserverSupport.noData(name());
    }
    return new ValueRange((float) min, (float) max);
  }

  @Override
  public String name() {
    return "percentile";
  }
}
