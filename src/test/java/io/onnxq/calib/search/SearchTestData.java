package io.onnxq.calib.search;

import java.util.Random;

/** Synthetic ViT-like tensors for the search tests. */
final class SearchTestData {
  private SearchTestData() {}

  /** Post-LayerNorm-like rows: Gaussian with a few large-scale channels. */
  static float[] activations(Random rnd, int rows, int in) {
    float[] x = new float[rows * in];
    for (int c = 0; c < in; c++) {
      double scale = c % 17 == 0 ? 4.0 : 1.0;
      double mean = c % 5 == 0 ? 0.5 : 0.0;
      for (int r = 0; r < rows; r++) {
        x[r * in + c] = (float) (mean + scale * rnd.nextGaussian());
      }
    }
    return x;
  }

  static float[] gelu(float[] x) {
    float[] y = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      double v = x[i];
      y[i] =
          (float) (0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v))));
    }
    return y;
  }

  static float[] weights(Random rnd, int in, int out) {
    float[] w = new float[in * out];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) (rnd.nextGaussian() * 0.05 * (1 + (i % out) % 3));
    }
    return w;
  }

  static float[] gaussian(Random rnd, int n, double sd) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) (rnd.nextGaussian() * sd);
    }
    return x;
  }

  /** Softmax rows of random logits: [segments, rows, tokens]. */
  static float[] softmax(Random rnd, int segments, int rows, int tokens, double temp) {
    float[] a = new float[segments * rows * tokens];
    double[] e = new double[tokens];
    for (int r = 0; r < segments * rows; r++) {
      double sum = 0;
      for (int t = 0; t < tokens; t++) {
        e[t] = Math.exp(rnd.nextGaussian() * temp);
        sum += e[t];
      }
      for (int t = 0; t < tokens; t++) {
        a[r * tokens + t] = (float) (e[t] / sum);
      }
    }
    return a;
  }
}
