package io.onnxq.quant;

/**
 * A weight tensor quantized per output channel: int8 codes in the original layout, one scale and
 * zero point per slice along {@code axis}. Arrays are shared, not copied (weights can be large).
 */
public record QuantizedWeight(
    byte[] codes, float[] scales, int[] zeroPoints, int[] shape, int axis, IntRange range) {

  /** Params to attach to the DequantizeLinear node (axis = channel axis of the weight). */
  public QuantParams params() {
    return QuantParams.perChannel(scales, zeroPoints, axis, range);
  }

  public int channels() {
    return scales.length;
  }

  /** Code i as an integer: bytes hold uint8 codes above 127 as negative values. */
  public int code(int i) {
    return range.signed() ? codes[i] : codes[i] & 0xFF;
  }

  /** DQ of every code, in the original layout. */
  public float[] dequantize() {
    float[] out = new float[codes.length];
    Layout l = Layout.of(shape, axis);
    for (int i = 0; i < codes.length; i++) {
      int c = l.channel(i);
      out[i] = UniformQuantizer.dequantize(code(i), scales[c], zeroPoints[c]);
    }
    return out;
  }

  /**
   * Signal-to-quantization-noise ratio per channel in dB, 10 log10(sum w^2 / sum (w - DQ)^2).
   * +Infinity where the channel is reproduced exactly (e.g. all-zero channels).
   */
  public double[] sqnrDb(float[] original) {
    if (original.length != codes.length) {
      throw new IllegalArgumentException(
          "original has " + original.length + " values, codes " + codes.length);
    }
    double[] signal = new double[scales.length];
    double[] noise = new double[scales.length];
    Layout l = Layout.of(shape, axis);
    for (int i = 0; i < codes.length; i++) {
      int c = l.channel(i);
      double w = original[i];
      double d = w - UniformQuantizer.dequantize(code(i), scales[c], zeroPoints[c]);
      signal[c] += w * w;
      noise[c] += d * d;
    }
    double[] db = new double[scales.length];
    for (int c = 0; c < db.length; c++) {
      db[c] = noise[c] == 0.0 ? Double.POSITIVE_INFINITY : 10.0 * Math.log10(signal[c] / noise[c]);
    }
    return db;
  }

  /** Row-major index -> channel index for a given axis: index = (outer * C + c) * inner + i. */
  record Layout(int channels, int inner) {
    static Layout of(int[] shape, int axis) {
      if (axis < 0 || axis >= shape.length) {
        throw new IllegalArgumentException(
            "channel axis " + axis + " outside rank " + shape.length);
      }
      int inner = 1;
      for (int d = axis + 1; d < shape.length; d++) {
        inner = Math.multiplyExact(inner, shape[d]);
      }
      return new Layout(shape[axis], inner);
    }

    int channel(int index) {
      return (index / inner) % channels;
    }
  }
}
