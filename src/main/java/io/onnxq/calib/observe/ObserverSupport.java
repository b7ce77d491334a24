package io.onnxq.calib.observe;

import io.onnxq.OnnxqException;

/** Shared argument checks and small helpers for observers. */
final class ObserverSupport {
  private ObserverSupport() {}

  /** Number of values in the batch after checking the buffer holds rows x channels. */
  static int size(float[] data, int rows, int channels) {
    if (rows < 0 || channels <= 0) {
      throw new IllegalArgumentException("bad batch shape " + rows + " x " + channels);
    }
    long n = (long) rows * channels;
    if (n > data.length) {
      throw new IllegalArgumentException(
          "batch of " + data.length + " values cannot hold " + rows + " x " + channels);
    }
    return (int) n;
  }

  static OnnxqException noData(String observer) {
    return new OnnxqException(
        "calibration observer '" + observer + "' saw no finite values; feed at least one batch");
  }

  /** Exponential moving average step used by EMA and Percentile (momentum 0.01 by default). */
  static double ema(double current, double batch, double momentum) {
    return current + momentum * (batch - current);
  }
}
