package io.onnxq.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class QkBalanceTest {
  @Test
  void keepsEveryLogitAndEvensTheRanges() {
    Random rnd = new Random(5);
    int in = 6;
    int dim = 4;
    int cols = 3 * dim;
    float[] w = new float[in * cols];
    for (int i = 0; i < w.length; i++) w[i] = (float) rnd.nextGaussian();
    for (int i = 0; i < in; i++) w[i * cols + 1] *= 20; // an outlier channel in q only
    float[] bias = new float[cols];
    for (int i = 0; i < cols; i++) bias[i] = (float) rnd.nextGaussian();
    float[] x1 = {0.3f, -1f, 2f, 0.5f, -0.2f, 1f};
    float[] x2 = {-0.7f, 0.4f, 1f, -1.5f, 0.9f, 0.1f};

    float[] qMax = {1, 20, 1, 1};
    float[] kMax = {1, 1, 4, 1};
    QkBalance b = QkBalance.fromRanges(qMax, kMax);
    assertEquals(Math.sqrt(1 / 20.0), b.r()[1], 1e-6);
    assertEquals(2.0, b.r()[2], 1e-6);
    float[] w2 = b.apply(w, in);
    float[] bias2 = b.apply(bias, 1);
    float[] y1 = linear(x1, w, bias, in, cols);
    float[] y2 = linear(x2, w, bias, in, cols);
    float[] z1 = linear(x1, w2, bias2, in, cols);
    float[] z2 = linear(x2, w2, bias2, in, cols);
    for (int c = 0; c < dim; c++) {
      // q of token 1 times k of token 2, channel by channel; v untouched
      assertEquals(
          y1[c] * y2[dim + c], z1[c] * z2[dim + c], 1e-3 * (1 + Math.abs(y1[c] * y2[dim + c])));
      assertEquals(y1[2 * dim + c], z1[2 * dim + c], 0f);
      // balanced ranges: |q'| max = |k'| max = sqrt(qMax kMax)
      assertEquals(qMax[c] * b.r()[c], kMax[c] / b.r()[c], 1e-5);
    }
  }

  private static float[] linear(float[] x, float[] w, float[] bias, int in, int cols) {
    float[] y = bias.clone();
    for (int i = 0; i < in; i++) {
      for (int o = 0; o < cols; o++) y[o] += x[i] * w[i * cols + o];
    }
    return y;
  }
}
