package io.onnxq.calib.observe;

import io.onnxq.quant.IntRange;

/** Running minimum and maximum over every finite value seen. */
public final class MinMaxObserver implements Observer {
  private float min = Float.POSITIVE_INFINITY;
  private float max = Float.NEGATIVE_INFINITY;

  @Override
  public void update(float[] data, int rows, int channels) {
    int n = ObserverSupport.size(data, rows, channels);
    float lo = min;
    float hi = max;
    for (int i = 0; i < n; i++) {
      float x = data[i];
      if (x < lo && x != Float.NEGATIVE_INFINITY) {
        lo = x;
      }
      if (x > hi && x != Float.POSITIVE_INFINITY) {
        hi = x;
      }
    }
    min = lo;
    max = hi;
  }

  public boolean hasData() {
    return min <= max;
  }

  @Override
  public ValueRange range(IntRange range) {
    if (!hasData()) {
      throw ObserverSupport.noData(name());
    }
    return new ValueRange(min, max);
  }

  @Override
  public String name() {
    return "minmax";
  }
}
