package io.onnxq.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ChannelReparamTest {
  static final int ROWS = 64;
  static final int C = 6;
  static final int OUT = 5;

  @Test
  void foldKeepsTheLayerOutputAndMakesPerTensorEqualPerChannel() {
    Random rnd = new Random(3);
    float[] xhat = new float[ROWS * C]; // normalized LayerNorm rows
    for (int i = 0; i < xhat.length; i++) xhat[i] = (float) rnd.nextGaussian();
    float[] gamma = new float[C];
    float[] beta = new float[C];
    for (int c = 0; c < C; c++) {
      gamma[c] = (float) Math.exp(rnd.nextGaussian()); // channel magnitudes differ by orders
      beta[c] = (float) rnd.nextGaussian();
    }
    float[] w = new float[C * OUT];
    float[] bias = new float[OUT];
    for (int i = 0; i < w.length; i++) w[i] = (float) rnd.nextGaussian();
    for (int i = 0; i < OUT; i++) bias[i] = (float) rnd.nextGaussian();
    float[] x = affine(xhat, gamma, beta);

    IntRange r = IntRange.uint(4);
    ChannelReparam rp = ChannelReparam.fromRows(x, ROWS, C, r);
    float[] w2 = rp.weight(w, C, OUT);
    float[] x2 = affine(xhat, rp.gamma(gamma), rp.beta(beta));
    float[] y = linear(x, w, bias);
    float[] y2 = linear(x2, w2, rp.bias(bias, w2, C, OUT));
    for (int i = 0; i < y.length; i++)
      assertEquals(y[i], y2[i], 1e-3 * (1 + Math.abs(y[i])), "output " + i);

    // The folded rows are what the planner searches: same as applyToRows on the original rows.
    float[] moved = x.clone();
    rp.applyToRows(moved, ROWS, C);
    for (int i = 0; i < moved.length; i++)
      assertEquals(x2[i], moved[i], 1e-4 * (1 + Math.abs(x2[i])));

    // Per-tensor codes of x' equal per-channel codes of x except at rounding ties.
    float[] min = new float[C];
    float[] max = new float[C];
    for (int i = 0; i < x.length; i++) {
      min[i % C] = Math.min(min[i % C], x[i]);
      max[i % C] = Math.max(max[i % C], x[i]);
    }
    QuantParams pc = UniformQuantizer.asymmetricPerChannel(min, max, 1, r);
    int differ = 0;
    for (int i = 0; i < x.length; i++) {
      int a = UniformQuantizer.quantize(x[i], pc.scale(i % C), pc.zeroPoint(i % C), r);
      int b = UniformQuantizer.quantize(x2[i], rp.sTilde(), rp.zTilde(), r);
      if (Math.abs(a - b) > 1) differ++;
    }
    assertEquals(0, differ, "codes differ by more than a rounding step");
  }

  private static float[] affine(float[] xhat, float[] g, float[] b) {
    float[] x = new float[xhat.length];
    for (int i = 0; i < x.length; i++) x[i] = xhat[i] * g[i % C] + b[i % C];
    return x;
  }

  private static float[] linear(float[] x, float[] w, float[] bias) {
    float[] y = new float[ROWS * OUT];
    for (int i = 0; i < ROWS; i++) {
      for (int o = 0; o < OUT; o++) {
        double acc = bias[o];
        for (int c = 0; c < C; c++) acc += (double) x[i * C + c] * w[c * OUT + o];
        y[i * OUT + o] = (float) acc;
      }
    }
    return y;
  }

  @Test
  void reparamOfUniformChannelsIsIdentity() {
    float[] x = new float[ROWS * C];
    Random rnd = new Random(5);
    for (int i = 0; i < ROWS; i++) {
      float v = (float) rnd.nextGaussian();
      for (int c = 0; c < C; c++) x[i * C + c] = v; // every channel has the same range
    }
    ChannelReparam rp = ChannelReparam.fromRows(x, ROWS, C, IntRange.uint(8));
    for (int c = 0; c < C; c++) {
      assertEquals(1f, rp.r()[c], 1e-6f);
      assertTrue(Math.abs(rp.b()[c]) < 1e-6);
    }
  }
}
