package io.onnxq.calib.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onnxq.quant.QuantParams;
import io.onnxq.quant.UniformQuantizer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SimilaritySearchTest {
  private static final int ROWS = 96;
  private static final int SAMPLES = 6;
  private static final int IN = 24;
  private static final int OUT = 20;

  /** Direct objective: fake-quantize both sides, multiply, mean per-sample Pearson. */
  private static double objective(float[] x, float[] w, QuantParams wp, QuantParams xp) {
    float[] xq = new float[x.length];
    for (int i = 0; i < x.length; i++)
      xq[i] = UniformQuantizer.fakeQuant(x[i], xp.scale(0), xp.zeroPoint(0), xp.range());
    float[] wq = new float[w.length];
    for (int i = 0; i < IN; i++)
      for (int o = 0; o < OUT; o++)
        wq[i * OUT + o] =
            UniformQuantizer.fakeQuant(w[i * OUT + o], wp.scale(o), wp.zeroPoint(o), wp.range());
    return Pearson.meanPerSample(
        Mat.matmul(x, ROWS, IN, w, OUT), Mat.matmul(xq, ROWS, IN, wq, OUT), SAMPLES);
  }

  private static float[] outlierActivations(Random rnd) {
    float[] x = SearchTestData.activations(rnd, ROWS, IN);
    x[5] = 40f; // one outlier makes the max-based input grid coarse
    return x;
  }

  @Test
  void incrementalScoresMatchTheDirectObjectiveAndBeatTheMaxBasedStart() {
    Random rnd = new Random(3);
    float[] x = outlierActivations(rnd);
    float[] w = SearchTestData.weights(rnd, IN, OUT);
    for (SimilarityGrid grid : SimilarityGrid.values()) {
      QuantParams wBase = grid.weightBase(w, IN, OUT, 4);
      QuantParams xBase = grid.inputBase(x, 4);
      SimilaritySearch.Result r =
          SimilaritySearch.linear(
              x, ROWS, SAMPLES, w, IN, OUT, wBase, xBase, null, SimilaritySearch.Config.DEFAULT);
      assertEquals(objective(x, w, r.weight(), r.input()), r.similarity(), 1e-5, grid.name());
      double start = objective(x, w, wBase, xBase);
      assertTrue(r.similarity() > start, grid + ": " + r.similarity() + " vs " + start);
      assertTrue(r.rounds() >= 2 && r.rounds() <= 20, "rounds " + r.rounds());
      assertEquals(grid == SimilarityGrid.PAPER, r.weight().range().signed());
      assertEquals(grid == SimilarityGrid.ONNXQ, r.weight().isPerChannel());
    }
  }

  @Test
  void aFixedInputGridIsKeptAndOnlyTheWeightScaleMoves() {
    Random rnd = new Random(4);
    float[] x = outlierActivations(rnd);
    float[] w = SearchTestData.weights(rnd, IN, OUT);
    QuantParams fixed = SimilarityGrid.scaled(SimilarityGrid.PAPER.inputBase(x, 6), 0.6);
    SimilaritySearch.Result r =
        SimilaritySearch.linear(
            x,
            ROWS,
            SAMPLES,
            w,
            IN,
            OUT,
            SimilarityGrid.PAPER.weightBase(w, IN, OUT, 6),
            SimilarityGrid.PAPER.inputBase(x, 6),
            fixed,
            SimilaritySearch.Config.DEFAULT);
    assertEquals(fixed, r.input());
    assertEquals(1, r.rounds());
    assertEquals(objective(x, w, r.weight(), fixed), r.similarity(), 1e-5);
  }

  @Test
  void attentionSearchReportsItsOwnObjective() {
    Random rnd = new Random(5);
    int images = 2;
    int heads = 2;
    int rows = 6;
    int d = 8;
    int tokens = 10;
    AttentionSimilaritySearch.Shape sh =
        new AttentionSimilaritySearch.Shape(images, heads, rows, d, tokens);
    float[] q = SearchTestData.gaussian(rnd, images * heads * rows * d, 1.0);
    float[] kt = SearchTestData.gaussian(rnd, images * heads * d * tokens, 1.0);
    RankingLoss ranking = new RankingLoss(tokens, 20, 1);
    SimilaritySearch.Config cfg = new SimilaritySearch.Config(30, 20, 0.5, 1.2);
    AttentionSimilaritySearch.Result r =
        AttentionSimilaritySearch.search(
            q,
            kt,
            sh,
            SimilarityGrid.PAPER.inputBase(q, 4),
            SimilarityGrid.PAPER.inputBase(kt, 4),
            ranking,
            2.0,
            cfg);
    float[] a = AttentionSimilaritySearch.product(q, kt, sh);
    float[] aq =
        AttentionSimilaritySearch.product(
            AttentionSimilaritySearch.fakeQuant(q, r.a()),
            AttentionSimilaritySearch.fakeQuant(kt, r.b()),
            sh);
    assertEquals(Pearson.meanPerSample(a, aq, images), r.similarity(), 1e-6);
    float[] a2 = a.clone();
    float[] aq2 = aq.clone();
    for (int i = 0; i < a2.length; i++) {
      a2[i] *= 2;
      aq2[i] *= 2;
    }
    assertEquals(ranking.of(a2, aq2, images * heads * rows), r.ranking(), 1e-6);
    assertEquals(r.similarity() - RankingLoss.GAMMA * r.ranking(), r.objective(), 1e-9);
  }
}
