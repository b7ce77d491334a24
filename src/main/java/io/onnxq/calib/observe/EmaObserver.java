package io.onnxq.calib.observe;

import io.onnxq.quant.IntRange;

/**
 * Moving-average min/max: the first batch initialises, later batches move the range by {@code
 * momentum} toward their own min/max, damping one-off spikes that MinMax would keep forever.
 */
public final class EmaObserver implements Observer {
  public static final double DEFAULT_MOMENTUM = 0.01;

  private final double momentum;
  private double min;
  private double max;
  private boolean initialised;

  public EmaObserver() {
    this(DEFAULT_MOMENTUM);
  }

  public EmaObserver(double momentum) {
    if (!(momentum > 0 && momentum <= 1)) {
      throw new IllegalArgumentException("momentum " + momentum + " outside (0, 1]");
    }
    this.momentum = momentum;
  }

  @Override
  public void update(float[] data, int rows, int channels) {
    int n = ObserverSupport.size(data, rows, channels);
    float lo = Float.POSITIVE_INFINITY;
    float hi = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      float x = data[i];
      if (x < lo && x != Float.NEGATIVE_INFINITY) {
        lo = x;
      }
      if (x > hi && x != Float.POSITIVE_INFINITY) {
        hi = x;
      }
    }
    if (!(lo <= hi)) {
      return; // batch without finite values carries no range information
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

  @Override
  public ValueRange range(IntRange range) {
    if (!initialised) {
      throw ObserverSupport.noData(name());
    }
    return new ValueRange((float) min, (float) max);
  }

  @Override
  public String name() {
    return "ema";
  }
}
