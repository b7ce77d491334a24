package io.onnxq.calib.observe;

import io.onnxq.quant.IntRange;
import io.onnxq.quant.QuantParams;
import io.onnxq.quant.UniformQuantizer;

/**
 * Collects statistics of one activation tensor over calibration batches and turns them into
 * quantization params. Memory stays bounded however many batches are fed. Not thread-safe: the
 * engine owns one observer per tensor.
 *
 * <p>Non-finite values (NaN, +-Infinity, e.g. from masked softmax inputs) are ignored for range
 * estimation; at inference they saturate.
 */
public interface Observer {

  /**
   * One calibration batch of one tensor, laid out with the channel as the LAST axis: rows x
   * channels.
   */
  void update(float[] data, int rows, int channels);

  /**
   * The real range this observer settles on for this integer grid (before zero is forced in).
   *
   * @throws io.onnxq.OnnxqException if no finite value was ever seen
   */
  ValueRange range(IntRange range);

  /** Final per-tensor asymmetric params after all batches, for this integer range. */
  default QuantParams params(IntRange range) {
    ValueRange v = range(range);
    return UniformQuantizer.asymmetric(v.min(), v.max(), range);
  }

  /** "minmax", "ema", "percentile" or "omse". */
  String name();
}
