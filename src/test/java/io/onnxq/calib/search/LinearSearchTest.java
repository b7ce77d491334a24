package io.onnxq.calib.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onnxq.quant.AdaLogQuantizer;
import io.onnxq.quant.IntRange;
import io.onnxq.quant.QuantParams;
import io.onnxq.quant.UniformQuantizer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LinearSearchTest {

  private static QuantParams minMaxWeights(float[] w, int in, int out, int bits) {
    float[] min = new float[out];
    float[] max = new float[out];
    java.util.Arrays.fill(min, Float.MAX_VALUE);
    java.util.Arrays.fill(max, -Float.MAX_VALUE);
    for (int i = 0; i < in; i++) {
      for (int o = 0; o < out; o++) {
        min[o] = Math.min(min[o], w[i * out + o]);
        max[o] = Math.max(max[o], w[i * out + o]);
      }
    }
    return UniformQuantizer.asymmetricPerChannel(min, max, 1, IntRange.uint(bits));
  }

  private static UniformChoice minMaxAct(float[] x, int bits) {
    float min = Float.MAX_VALUE;
    float max = -Float.MAX_VALUE;
    for (float v : x) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    QuantParams p = UniformQuantizer.asymmetric(min, max, IntRange.uint(bits));
    return UniformChoice.single(p.scale(0), p.zeroPoint(0), bits);
  }

  @Test
  void searchBeatsMinMaxOnRandomLayer() {
    Random rnd = new Random(21);
    int rows = 240; // <= Config.DEFAULT.actRows(), so outputMse() covers every row
    int in = 64;
    int out = 24;
    float[] x = SearchTestData.activations(rnd, rows, in);
    float[] w = SearchTestData.weights(rnd, in, out);
    for (int bits : new int[] {4, 6}) {
      LinearChoice c =
          LinearSearch.search(x, rows, w, in, out, bits, bits, LinearSearch.ActKind.UNIFORM);
      double searched = LinearSearch.outputMse(x, rows, w, in, out, c.weight(), c.activation());
      double minMax =
          LinearSearch.outputMse(
              x, rows, w, in, out, minMaxWeights(w, in, out, bits), minMaxAct(x, bits));
      assertEquals(searched, c.outputMse(), 1e-9 * (1 + searched));
      assertTrue(searched <= minMax, bits + " bits: " + searched + " > MinMax " + minMax);
    }
  }

  @Test
  void geluInputSearchBeatsMinMax() {
    Random rnd = new Random(8);
    int rows = 120; // <= Config.DEFAULT.logActRows()
    int in = 96;
    int out = 16;
    float[] x = SearchTestData.gelu(SearchTestData.activations(rnd, rows, in));
    float[] w = SearchTestData.weights(rnd, in, out);
    LinearChoice c =
        LinearSearch.search(x, rows, w, in, out, 4, 4, LinearSearch.ActKind.ADALOG_GELU);
    assertTrue(c.activation() instanceof AdaLogChoice a && a.h() == AdaLogQuantizer.GELU_SHIFT);
    double minMax =
        LinearSearch.outputMse(x, rows, w, in, out, minMaxWeights(w, in, out, 4), minMaxAct(x, 4));
    assertTrue(c.outputMse() <= minMax, c.outputMse() + " > MinMax " + minMax);
  }

  @Test
  void quadScorerMatchesDirectOutputError() {
    Random rnd = new Random(3);
    int rows = 50;
    int in = 40;
    float[] x = SearchTestData.activations(rnd, rows, in);
    float[] col = SearchTestData.gaussian(rnd, in, 0.1);
    float[] y = Mat.matmul(x, rows, in, col, 1);
    double[] a = new double[in * in];
    float[] a32 = Mat.atb(x, rows, in, x, in);
    for (int i = 0; i < a.length; i++) {
      a[i] = a32[i];
    }
    float[] g32 = Mat.atb(x, rows, in, y, 1);
    double[] g = new double[in];
    double yy = 0;
    for (int i = 0; i < in; i++) {
      g[i] = g32[i];
    }
    for (float v : y) {
      yy += (double) v * v;
    }
    IntRange r = IntRange.uint(4);
    LinearSearch.QuadScorer qs = new LinearSearch.QuadScorer(a, g, yy, col, r, rows);
    for (int t = 0; t < 60; t++) {
      float s = 0.005f + 0.0004f * t;
      int z = 6 + t % 4;
      float[] wq = Levels.fakeQuant(col, s, z, r);
      double direct = Levels.mse(y, Mat.matmul(x, rows, in, wq, 1));
      assertEquals(direct, qs.of(s, z), 1e-4 * direct + 1e-9, "t=" + t);
    }
  }

  @Test
  void outputScorerMatchesDirectOutputError() {
    Random rnd = new Random(13);
    int rows = 30;
    int in = 20;
    int out = 9;
    float[] x = SearchTestData.gelu(SearchTestData.activations(rnd, rows, in));
    float[] w = SearchTestData.weights(rnd, in, out);
    float[] y = Mat.matmul(x, rows, in, w, out);
    OutputScorer uni =
        new OutputScorer(
            new float[][] {x}, new float[][] {w}, new float[][] {y}, rows, in, out, 0f);
    IntRange r = IntRange.uint(4);
    for (int t = 0; t < 40; t++) {
      float s = 0.2f + 0.01f * t;
      int z = 1 + t % 3;
      double direct = Levels.mse(y, Mat.matmul(Levels.fakeQuant(x, s, z, r), rows, in, w, out));
      assertEquals(direct, uni.score(s, Levels.uniform(s, z, r)), 1e-5 * direct + 1e-12);
    }
    float h = AdaLogQuantizer.GELU_SHIFT;
    OutputScorer log =
        new OutputScorer(new float[][] {x}, new float[][] {w}, new float[][] {y}, rows, in, out, h);
    for (int q : new int[] {20, 37, 60}) {
      for (int t = 0; t < 10; t++) {
        AdaLogQuantizer a = new AdaLogQuantizer(4, 2f + 0.1f * t, q, h);
        double direct =
            Levels.mse(y, Mat.matmul(Levels.fakeQuant(x, AdaLogChoice.of(a)), rows, in, w, out));
        assertEquals(direct, log.score(a.scale(), Levels.adaLog(a)), 1e-4 * direct + 1e-9);
      }
    }
  }

  @Test
  void meanOutputErrorRemovesTheOutputBias() {
    Random rnd = new Random(12);
    int rows = 400;
    int in = 48;
    int out = 12;
    float[] x = SearchTestData.activations(rnd, rows, in);
    float[] w = SearchTestData.weights(rnd, in, out);
    LinearChoice c = LinearSearch.search(x, rows, w, in, out, 3, 3, LinearSearch.ActKind.UNIFORM);
    float[] wHat = LinearSearch.dequantize(w, in, out, c.weight());
    float[] err = LinearSearch.meanOutputError(x, rows, w, wHat, in, out, c.activation(), rows);
    float[] y = Mat.matmul(x, rows, in, w, out);
    float[] yq = Mat.matmul(Levels.fakeQuant(x, c.activation()), rows, in, wHat, out);
    double before = Levels.mse(y, yq);
    double maxMean = 0;
    for (int o = 0; o < out; o++) {
      double mean = 0;
      for (int r = 0; r < rows; r++) {
        yq[r * out + o] -= err[o];
        mean += yq[r * out + o] - y[r * out + o];
      }
      maxMean = Math.max(maxMean, Math.abs(mean / rows));
    }
    assertTrue(maxMean < 1e-4, "residual mean error " + maxMean);
    assertTrue(Levels.mse(y, yq) < before, "bias correction must lower the output MSE");
  }
}
