package io.onnxq.calib.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onnxq.quant.AdaLogQuantizer;
import io.onnxq.quant.IntRange;
import io.onnxq.quant.QuantParams;
import io.onnxq.quant.UniformQuantizer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AttentionSearchTest {

  private static double qkMse(
      float[] q,
      float[] k,
      int segs,
      int heads,
      int rq,
      int rk,
      int d,
      UniformChoice qc,
      UniformChoice kc) {
    double sum = 0;
    for (int sg = 0; sg < segs; sg++) {
      int h = sg % heads;
      float[] qs = Mat.slice(q, sg, rq * d);
      float[] ks = Mat.slice(k, sg, rk * d);
      float[] y = Mat.matmul(qs, rq, d, Mat.transpose(ks, rk, d), rk);
      float[] yq =
          Mat.matmul(
              Levels.fakeQuant(qs, qc.scale(h), qc.zeroPoint(h), qc.range()),
              rq,
              d,
              Mat.transpose(Levels.fakeQuant(ks, kc.scale(h), kc.zeroPoint(h), kc.range()), rk, d),
              rk);
      sum += Levels.mse(y, yq);
    }
    return sum / segs;
  }

  private static UniformChoice minMaxPerHead(float[] x, int segs, int heads, int len, int bits) {
    float[] s = new float[heads];
    int[] z = new int[heads];
    for (int h = 0; h < heads; h++) {
      float min = Float.MAX_VALUE;
      float max = -Float.MAX_VALUE;
      for (int sg = h; sg < segs; sg += heads) {
        for (int i = sg * len; i < (sg + 1) * len; i++) {
          min = Math.min(min, x[i]);
          max = Math.max(max, x[i]);
        }
      }
      QuantParams p = UniformQuantizer.asymmetric(min, max, IntRange.uint(bits));
      s[h] = p.scale(0);
      z[h] = p.zeroPoint(0);
    }
    return new UniformChoice(s, z, bits);
  }

  @Test
  void qkSearchBeatsMinMax() {
    Random rnd = new Random(1);
    int segs = 4;
    int heads = 2;
    int rq = 12;
    int rk = 20;
    int d = 16;
    float[] q = SearchTestData.gaussian(rnd, segs * rq * d, 1.0);
    float[] k = SearchTestData.gaussian(rnd, segs * rk * d, 2.0);
    AttentionSearch.QkChoice c = AttentionSearch.searchQk(q, k, segs, heads, rq, rk, d, 4, 2);
    assertEquals(heads, c.q().groups());
    double mm =
        qkMse(
            q,
            k,
            segs,
            heads,
            rq,
            rk,
            d,
            minMaxPerHead(q, segs, heads, rq * d, 4),
            minMaxPerHead(k, segs, heads, rk * d, 4));
    assertEquals(qkMse(q, k, segs, heads, rq, rk, d, c.q(), c.k()), c.outputMse(), 1e-9 * (1 + mm));
    assertTrue(c.outputMse() <= mm, c.outputMse() + " > " + mm);
  }

  @Test
  void avSearchBeatsLog2WithMinMaxV() {
    Random rnd = new Random(2);
    int segs = 4;
    int heads = 2;
    int ra = 10;
    int t = 30;
    int d = 8;
    float[] a = SearchTestData.softmax(rnd, segs, ra, t, 2.0);
    float[] v = SearchTestData.gaussian(rnd, segs * t * d, 1.0);
    AttentionSearch.AvChoice c = AttentionSearch.searchAv(a, v, segs, heads, ra, t, d, 4, 4, 2);
    UniformChoice vmm = minMaxPerHead(v, segs, heads, t * d, 4);
    AdaLogQuantizer log2 = AdaLogQuantizer.postSoftmax(4, AdaLogQuantizer.LOG2_Q);
    double base = 0;
    for (int sg = 0; sg < segs; sg++) {
      int h = sg % heads;
      float[] as = Mat.slice(a, sg, ra * t);
      float[] vs = Mat.slice(v, sg, t * d);
      float[] y = Mat.matmul(as, ra, t, vs, d);
      float[] yq =
          Mat.matmul(
              Levels.fakeQuant(as, AdaLogChoice.of(log2)),
              ra,
              t,
              Levels.fakeQuant(vs, vmm.scale(h), vmm.zeroPoint(h), vmm.range()),
              d);
      base += Levels.mse(y, yq);
    }
    base /= segs;
    assertTrue(c.outputMse() <= base, c.outputMse() + " > " + base);
    assertEquals(1f, c.probs().s());
  }
}
