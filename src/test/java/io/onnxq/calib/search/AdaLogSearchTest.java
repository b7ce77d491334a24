package io.onnxq.calib.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onnxq.quant.AdaLogQuantizer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AdaLogSearchTest {

  @Test
  void softmaxLikeDataBeatsLog2() {
    Random rnd = new Random(5);
    float[] x = SearchTestData.softmax(rnd, 4, 50, 197, 2.0);
    AdaLogChoice c = AdaLogSearch.postSoftmax(4, AdaLogSearch.selfMse(x));
    double mse = c.quantizer().mse(x, 0, x.length);
    double log2 = AdaLogQuantizer.postSoftmax(4, AdaLogQuantizer.LOG2_Q).mse(x, 0, x.length);
    assertTrue(mse < log2, mse + " vs log2 " + log2);
    assertEquals(1f, c.s());
  }

  @Test
  void findsTheGeneratingBase() {
    Random rnd = new Random(9);
    int q = 22;
    float[] x = new float[5000];
    for (int i = 0; i < x.length; i++) {
      int k = rnd.nextInt(16);
      x[i] =
          (float)
              (Math.pow(2, -(double) k * q / AdaLogQuantizer.R) * (1 + 0.01 * rnd.nextGaussian()));
    }
    AdaLogChoice c = AdaLogSearch.postSoftmax(4, AdaLogSearch.selfMse(x));
    assertNotEquals(AdaLogQuantizer.LOG2_Q, c.q());
    assertTrue(Math.abs(c.q() - q) <= 1, "q = " + c.q());
  }

  @Test
  void postGeluSearchBeatsInitialLog2() {
    Random rnd = new Random(4);
    float[] x = SearchTestData.gelu(SearchTestData.gaussian(rnd, 20000, 1.5));
    float h = AdaLogQuantizer.GELU_SHIFT;
    float[] bounds = AdaLogSearch.scaleBounds(x, h);
    assertTrue(bounds[0] < bounds[1]);
    float s0 = AdaLogSearch.initialScale(bounds);
    AdaLogChoice c = AdaLogSearch.postGelu(4, bounds, h, s0, AdaLogSearch.selfMse(x));
    double mse = c.quantizer().mse(x, 0, x.length);
    double init = new AdaLogQuantizer(4, s0, AdaLogQuantizer.LOG2_Q, h).mse(x, 0, x.length);
    assertTrue(mse <= init, mse + " vs " + init);
    assertEquals(h, c.h());
  }
}
