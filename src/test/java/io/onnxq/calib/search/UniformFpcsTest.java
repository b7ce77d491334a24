package io.onnxq.calib.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onnxq.quant.IntRange;
import io.onnxq.quant.QuantParams;
import io.onnxq.quant.UniformQuantizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class UniformFpcsTest {

  private static float[] laplace(Random rnd, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      double u = rnd.nextDouble() - 0.5;
      x[i] = (float) (-Math.signum(u) * Math.log(1 - 2 * Math.abs(u)));
    }
    return x;
  }

  @Test
  void beatsMinMaxOnLaplace() {
    Random rnd = new Random(11);
    for (int bits : new int[] {3, 4, 6, 8}) {
      float[] x = laplace(rnd, 20000);
      float min = Float.MAX_VALUE;
      float max = -Float.MAX_VALUE;
      for (float v : x) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      IntRange r = IntRange.uint(bits);
      QuantParams mm = UniformQuantizer.asymmetric(min, max, r);
      double mmMse = UniformQuantizer.mse(x, mm);
      UniformFpcs.Candidate c = UniformFpcs.search(x, bits);
      double mse = UniformQuantizer.mse(x, 0, x.length, c.s(), c.z(), r);
      assertEquals(c.loss(), mse, 1e-12);
      assertTrue(mse <= mmMse, "bits " + bits + ": " + mse + " > " + mmMse);
      if (bits <= 4) {
        assertTrue(mse < 0.8 * mmMse, "bits " + bits + " should clearly beat MinMax");
      }
    }
  }

  @Test
  void scoresEachRoundInAscendingScale() {
    List<Float> seen = new ArrayList<>();
    UniformFpcs.search(
        laplace(new Random(2), 1000),
        4,
        (s, z) -> {
          seen.add(s);
          return Math.abs(s - 0.3);
        });
    // 1 + 5 rounds, each non-decreasing in s: at most 5 descents overall.
    int descents = 0;
    for (int i = 1; i < seen.size(); i++) {
      if (seen.get(i) < seen.get(i - 1)) {
        descents++;
      }
    }
    assertTrue(descents <= 5, "descents " + descents);
  }
}
