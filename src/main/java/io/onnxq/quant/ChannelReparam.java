package io.onnxq.quant;

/**
 * RepQ-ViT scale reparameterization of a post-LayerNorm activation: per-channel asymmetric params
 * (s_c, z_c) become one per-tensor (s~, z~) by folding r_c = s_c / s~ and b_c = s~ (z~ - z_c) into
 * the LayerNorm affine (gamma / r, beta / r - b) and into the next linear (W[c,:] * r_c, bias + b
 * W'). The model stays equivalent; x' = x / r - b quantizes per tensor exactly as x did per
 * channel.
 */
public record ChannelReparam(float[] r, float[] b, float sTilde, int zTilde) {

  /** From per-channel MinMax ranges of sampled rows [rows, channels]. */
  public static ChannelReparam fromRows(float[] x, int rows, int channels, IntRange range) {
    float[] min = new float[channels];
    float[] max = new float[channels];
    for (int i = 0; i < rows; i++) {
      for (int c = 0; c < channels; c++) {
        float v = x[i * channels + c];
        if (v < min[c]) min[c] = v;
        if (v > max[c]) max[c] = v;
      }
    }
    QuantParams p = UniformQuantizer.asymmetricPerChannel(min, max, 1, range);
    double sMean = 0;
    double zMean = 0;
    for (int c = 0; c < channels; c++) {
      sMean += p.scale(c);
      zMean += p.zeroPoint(c);
    }
    float sTilde = (float) (sMean / channels);
    int zTilde = (int) Math.round(zMean / channels);
    float[] r = new float[channels];
    float[] b = new float[channels];
    for (int c = 0; c < channels; c++) {
      r[c] = p.scale(c) / sTilde;
      b[c] = sTilde * (zTilde - p.zeroPoint(c));
    }
    return new ChannelReparam(r, b, sTilde, zTilde);
  }

  /** x' = x / r - b, in place, for rows [rows, channels]. */
  public void applyToRows(float[] x, int rows, int channels) {
    for (int i = 0; i < rows; i++) {
      for (int c = 0; c < channels; c++) x[i * channels + c] = x[i * channels + c] / r[c] - b[c];
    }
  }

  public float[] gamma(float[] gamma) {
    float[] g = new float[gamma.length];
    for (int c = 0; c < g.length; c++) g[c] = gamma[c] / r[c];
    return g;
  }

  public float[] beta(float[] beta) {
    float[] out = new float[beta.length];
    for (int c = 0; c < out.length; c++) out[c] = beta[c] / r[c] - b[c];
    return out;
  }

  /** W'[c, o] = W[c, o] * r_c for a weight laid out [in, out]. */
  public float[] weight(float[] w, int in, int out) {
    float[] res = new float[w.length];
    for (int c = 0; c < in; c++) {
      for (int o = 0; o < out; o++) res[c * out + o] = w[c * out + o] * r[c];
    }
    return res;
  }

  /** bias'_o = bias_o + sum_c b_c W'[c, o], with the already scaled weight W'. */
  public float[] bias(float[] bias, float[] scaledWeight, int in, int out) {
    float[] res = new float[out];
    for (int o = 0; o < out; o++) {
      double acc = bias == null ? 0 : bias[o];
      for (int c = 0; c < in; c++) acc += (double) b[c] * scaledWeight[c * out + o];
      res[o] = (float) acc;
    }
    return res;
  }
}
