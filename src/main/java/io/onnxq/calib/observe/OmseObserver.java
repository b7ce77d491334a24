package io.onnxq.calib.observe;

import io.onnxq.quant.IntRange;
import io.onnxq.quant.QuantParams;
import io.onnxq.quant.UniformQuantizer;

/**
 * OMSE-style range search: keeps the MinMax range plus a bounded uniform sample of values, and at
 * the end shrinks [min, max] by factors 1 - 0.01 i (i = 0..89), keeping the range whose asymmetric
 * params give the lowest quantization MSE on the sample. Heavy-tailed activations trade a little
 * clipping error for a finer step; uniform ones keep the full range.
 */
public final class OmseObserver implements Observer {
  public static final int DEFAULT_MAX_SAMPLES = 1 << 18;
  public static final long DEFAULT_SEED = 0x5EEDL;
  static final int SHRINK_STEPS = 90;

  private final MinMaxObserver minMax = new MinMaxObserver();
  private final ReservoirIndex index;
  private final int maxSamples;
  // Grown on demand up to maxSamples: most tensors of a small calibration set never fill it.
  private float[] sample = new float[0];

  public OmseObserver() {
    this(DEFAULT_MAX_SAMPLES, DEFAULT_SEED);
  }

  public OmseObserver(int maxSamples, long seed) {
    this.index = new ReservoirIndex(maxSamples, seed);
    this.maxSamples = maxSamples;
  }

  @Override
  public void update(float[] data, int rows, int channels) {
    int n = ObserverSupport.size(data, rows, channels);
    minMax.update(data, rows, channels);
    for (int i = 0; i < n; i++) {
      float x = data[i];
      if (Float.isFinite(x)) {
        int slot = index.offer();
        if (slot >= 0) {
          if (slot >= sample.length) {
            sample =
                java.util.Arrays.copyOf(
                    sample, (int) Math.min(maxSamples, Math.max(1024L, 2L * sample.length)));
          }
          sample[slot] = x;
        }
      }
    }
  }

  /** Values currently held in the reservoir; never exceeds the cap. */
  public int sampleSize() {
    return index.size();
  }

  public int maxSamples() {
    return maxSamples;
  }

  @Override
  public ValueRange range(IntRange range) {
    if (!minMax.hasData()) {
      throw ObserverSupport.noData(name());
    }
    ValueRange full = minMax.range(range);
    int n = index.size();
    ValueRange best = full;
    double bestMse = Double.POSITIVE_INFINITY;
    for (int i = 0; i < SHRINK_STEPS; i++) {
      float f = (float) (1.0 - 0.01 * i);
      ValueRange cand = new ValueRange(full.min() * f, full.max() * f);
      QuantParams p = UniformQuantizer.asymmetric(cand.min(), cand.max(), range);
      double mse = UniformQuantizer.mse(sample, 0, n, p.scale(0), p.zeroPoint(0), range);
      if (mse < bestMse) { // strict: ties keep the wider range
        bestMse = mse;
        best = cand;
      }
    }
    return best;
  }

  @Override
  public String name() {
    return "omse";
  }
}
