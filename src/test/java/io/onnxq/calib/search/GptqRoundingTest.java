package io.onnxq.calib.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onnxq.quant.QuantParams;
import io.onnxq.quant.UniformQuantizer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GptqRoundingTest {
  private static final int ROWS = 400;
  private static final int IN = 48;
  private static final int OUT = 12;

  /** Inputs with correlated channels, where compensating rounding errors pays off. */
  private static float[] correlatedInputs(Random rnd) {
    float[] base = SearchTestData.activations(rnd, ROWS, IN);
    float[] x = new float[ROWS * IN];
    for (int r = 0; r < ROWS; r++) {
      for (int c = 0; c < IN; c++) {
        x[r * IN + c] = base[r * IN + c] + 0.8f * base[r * IN + (c + 1) % IN];
      }
    }
    return x;
  }

  @Test
  void staysOnTheGridAndBeatsNearestRounding() {
    Random rnd = new Random(11);
    float[] x = correlatedInputs(rnd);
    float[] w = SearchTestData.weights(rnd, IN, OUT);
    LinearChoice c = LinearSearch.search(x, ROWS, w, IN, OUT, 4, 4, LinearSearch.ActKind.UNIFORM);
    QuantParams p = c.weight();
    float[] g = GptqRounding.round(x, ROWS, c.activation(), w, IN, OUT, p);

    for (int i = 0; i < IN; i++) {
      for (int o = 0; o < OUT; o++) {
        float v = g[i * OUT + o];
        assertEquals(
            v,
            UniformQuantizer.fakeQuant(v, p.scale(o), p.zeroPoint(o), p.range()),
            0f,
            "off the grid");
      }
    }
    float[] xh = Levels.fakeQuant(x, c.activation());
    float[] y = Mat.matmul(xh, ROWS, IN, w, OUT);
    double nearest =
        Levels.mse(y, Mat.matmul(xh, ROWS, IN, LinearSearch.dequantize(w, IN, OUT, p), OUT));
    double compensated = Levels.mse(y, Mat.matmul(xh, ROWS, IN, g, OUT));
    assertTrue(compensated < 0.9 * nearest, "GPTQ " + compensated + " vs nearest " + nearest);
  }
}
