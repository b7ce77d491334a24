package io.onnxq.quant;

/**
 * Power-of-two factor (FQ-ViT, Lin et al. 2022) for LayerNorm inputs, whose inter-channel range
 * varies by far more than one per-tensor scale can serve. Layout is [rows, C], channel last.
 */
public final class PowerOfTwoFactor {

  private PowerOfTwoFactor() {}

  /**
   * @param globalMin minimum over all channels (from the calibration observer)
   * @param globalMax maximum over all channels
   * @param sample rows x channels sample values used to choose each channel's factor
   */
  public static PtfParams compute(
      float globalMin, float globalMax, float[] sample, int rows, int channels, IntRange r) {
    if (channels <= 0 || rows < 0 || (long) rows * channels > sample.length) {
      throw new IllegalArgumentException(
          "sample of " + sample.length + " values cannot hold " + rows + " x " + channels);
    }
    // s8 and the shared z come from the plain asymmetric params of the global range.
    QuantParams base = UniformQuantizer.asymmetric(globalMin, globalMax, r);
    float s8 = base.scale(0);
    int z = base.zeroPoint(0);
    int[] alpha = new int[channels];
    double[] err = new double[PtfParams.MAX_ALPHA + 1];
    for (int c = 0; c < channels; c++) {
      java.util.Arrays.fill(err, 0.0);
      for (int row = 0; row < rows; row++) {
        float x = sample[row * channels + c];
        for (int a = 0; a <= PtfParams.MAX_ALPHA; a++) {
          float s = s8 / (1 << (PtfParams.MAX_ALPHA - a));
          double d = (double) x - UniformQuantizer.fakeQuant(x, s, z, r);
          err[a] += d * d;
        }
      }
      // Strict '<' from alpha 0 up: ties keep the finest scale, as FQ-ViT's argmin does.
      int best = 0;
      for (int a = 1; a <= PtfParams.MAX_ALPHA; a++) {
        if (err[a] < err[best]) {
          best = a;
        }
      }
      alpha[c] = best;
    }
    return new PtfParams(s8 / (1 << PtfParams.MAX_ALPHA), z, alpha, r);
  }

  /** Fake-quant MSE of a rows x channels matrix under PTF params. */
  public static double mse(PtfParams p, float[] data, int rows, int channels) {
    if (channels != p.channels()) {
      throw new IllegalArgumentException(
          "params have " + p.channels() + " channels, data " + channels);
    }
    long n = (long) rows * channels;
    if (n == 0) {
      return 0.0;
    }
    float[] s = p.channelScales();
    double sum = 0.0;
    for (int row = 0; row < rows; row++) {
      for (int c = 0; c < channels; c++) {
        float x = data[row * channels + c];
        double d = (double) x - UniformQuantizer.fakeQuant(x, s[c], p.zeroPoint(), p.range());
        sum += d * d;
      }
    }
    return sum / n;
  }
}
