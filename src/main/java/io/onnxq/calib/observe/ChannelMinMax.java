package io.onnxq.calib.observe;

import io.onnxq.OnnxqException;
import io.onnxq.quant.IntRange;
import io.onnxq.quant.QuantParams;
import io.onnxq.quant.UniformQuantizer;
import java.util.Arrays;

/** Running per-channel min/max (channel = last axis), ignoring non-finite values. */
public final class ChannelMinMax {
  private float[] min;
  private float[] max;

  public void update(float[] data, int rows, int channels) {
    ObserverSupport.size(data, rows, channels);
    if (min == null) {
      min = new float[channels];
      max = new float[channels];
      Arrays.fill(min, Float.POSITIVE_INFINITY);
      Arrays.fill(max, Float.NEGATIVE_INFINITY);
    } else if (min.length != channels) {
      throw new OnnxqException(
          "channel count changed from "
              + min.length
              + " to "
              + channels
              + " between calibration batches");
    }
    for (int r = 0; r < rows; r++) {
      int off = r * channels;
      for (int c = 0; c < channels; c++) {
        float x = data[off + c];
        if (x < min[c] && x != Float.NEGATIVE_INFINITY) {
          min[c] = x;
        }
        if (x > max[c] && x != Float.POSITIVE_INFINITY) {
          max[c] = x;
        }
      }
    }
  }

  public int channels() {
    return min == null ? 0 : min.length;
  }

  /** Per-channel minima; +Infinity for a channel that never saw a finite value. */
  public float[] min() {
    return min == null ? new float[0] : min.clone();
  }

  public float[] max() {
    return max == null ? new float[0] : max.clone();
  }

  public float globalMin() {
    float m = Float.POSITIVE_INFINITY;
    for (float v : min()) {
      m = Math.min(m, v);
    }
    return m;
  }

  public float globalMax() {
    float m = Float.NEGATIVE_INFINITY;
    for (float v : max()) {
      m = Math.max(m, v);
    }
    return m;
  }

  /** Per-channel asymmetric params; {@code axis} is the tensor's channel (last) axis. */
  public QuantParams params(IntRange range, int axis) {
    if (min == null) {
      throw new OnnxqException("per-channel observer saw no data; feed at least one batch");
    }
    float[] lo = min.clone();
    float[] hi = max.clone();
    for (int c = 0; c < lo.length; c++) {
      if (lo[c] > hi[c]) { // channel without finite values: any range reproduces "nothing"
        lo[c] = 0f;
        hi[c] = 0f;
      }
    }
    return UniformQuantizer.asymmetricPerChannel(lo, hi, axis, range);
  }
}
