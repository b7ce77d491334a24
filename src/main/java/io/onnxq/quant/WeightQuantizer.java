package io.onnxq.quant;

import io.onnxq.OnnxqException;

/**
 * Per-output-channel symmetric weight quantization with a MinMax (absmax) range per channel.
 *
 * <p>Symmetric (z = 0) because integer GEMM kernels then need no weight zero-point correction term;
 * per channel because ViT projection rows differ in magnitude by orders of magnitude.
 */
public final class WeightQuantizer {

  private WeightQuantizer() {}

  /**
   * @param w row-major weight values
   * @param shape weight shape; product must equal w.length
   * @param channelAxis axis of the output channels (MatMul [K, N] -> 1, Gemm transB / Conv -> 0)
   * @param r signed grid that fits int8 storage, typically {@link IntRange#sintNarrow}(8)
   */
  public static QuantizedWeight quantizePerChannel(
      float[] w, int[] shape, int channelAxis, IntRange r) {
    if (!r.signed() || !r.fitsInt8()) {
      throw new IllegalArgumentException(
          "per-channel weights need a signed range within int8, got " + r);
    }
    long n = 1;
    for (int d : shape) {
      n *= d;
    }
    if (n != w.length) {
      throw new IllegalArgumentException("shape holds " + n + " values but weight has " + w.length);
    }
    QuantizedWeight.Layout l = QuantizedWeight.Layout.of(shape, channelAxis);
    float[] absMax = new float[l.channels()];
    for (int i = 0; i < w.length; i++) {
      float a = Math.abs(w[i]);
      if (!Float.isFinite(a)) {
        throw new OnnxqException(
            "weight contains a non-finite value (" + w[i] + ") at flat index " + i);
      }
      int c = l.channel(i);
      if (a > absMax[c]) {
        absMax[c] = a;
      }
    }
    float[] scales = new float[absMax.length];
    int[] zeros = new int[absMax.length];
    for (int c = 0; c < absMax.length; c++) {
      // An all-zero channel would give s = 0 and 0/0 = NaN codes; any scale reproduces it exactly.
      scales[c] = absMax[c] == 0f ? 1f : UniformQuantizer.symmetric(absMax[c], r).scale(0);
    }
    byte[] codes = new byte[w.length];
    for (int i = 0; i < w.length; i++) {
      codes[i] = (byte) UniformQuantizer.quantize(w[i], scales[l.channel(i)], 0, r);
    }
    return new QuantizedWeight(codes, scales, zeros, shape.clone(), channelAxis, r);
  }

  /**
   * Low-bit weights: per-channel asymmetric MinMax on an unsigned n-bit grid, the baseline the
   * searched (FPCS) weights are compared with.
   */
  public static QuantizedWeight quantizeAsymmetric(
      float[] w, int[] shape, int channelAxis, IntRange r) {
    QuantizedWeight.Layout l = QuantizedWeight.Layout.of(shape, channelAxis);
    float[] min = new float[l.channels()];
    float[] max = new float[l.channels()];
    for (int i = 0; i < w.length; i++) {
      int c = l.channel(i);
      min[c] = Math.min(min[c], w[i]);
      max[c] = Math.max(max[c], w[i]);
    }
    return quantizeWith(w, shape, UniformQuantizer.asymmetricPerChannel(min, max, channelAxis, r));
  }

  /** Codes for given per-channel params (e.g. chosen by a search); zero points may be non-zero. */
  public static QuantizedWeight quantizeWith(float[] w, int[] shape, QuantParams p) {
    QuantizedWeight.Layout l = QuantizedWeight.Layout.of(shape, p.axis());
    byte[] codes = new byte[w.length];
    for (int i = 0; i < w.length; i++) {
      int c = l.channel(i);
      codes[i] = (byte) UniformQuantizer.quantize(w[i], p.scale(c), p.zeroPoint(c), p.range());
    }
    return new QuantizedWeight(codes, p.scale(), p.zeroPoint(), shape.clone(), p.axis(), p.range());
  }
}
