package io.onnxq.calib.search;

import io.onnxq.quant.QuantParams;
import java.util.stream.IntStream;

/**
 * Liu et al. 2021 for the activation-by-activation matmuls of attention, O = A B per (image, head)
 * segment: one per-tensor grid for each operand, alternating over the same candidate factors as
 * {@link SimilaritySearch}. The objective is the mean per-image Pearson correlation of O (all heads
 * of an image flattened together); for Q*K^T, with a {@link RankingLoss}, minus gamma times the
 * ranking loss of the quantized scores.
 *
 * <p>Candidates are scored directly (fake-quantize the operand being searched, multiply), on the
 * query rows the caller sampled: attention segments are small, so there is no incremental update.
 */
public final class AttentionSimilaritySearch {

  /**
   * @param a chosen grid of the left operand
   * @param b chosen grid of the right operand
   * @param objective the objective at the choice
   * @param similarity its Pearson part
   * @param ranking its ranking-loss part (0 without ranking)
   */
  public record Result(
      QuantParams a, QuantParams b, double objective, double similarity, double ranking) {}

  /** Shapes: {@code segments = images * heads} segments of A [rows, m] and B [m, n]. */
  public record Shape(int images, int heads, int rows, int m, int n) {
    public int segments() {
      return images * heads;
    }
  }

  private AttentionSimilaritySearch() {}

  /**
   * @param ranking null for plain similarity
   * @param rankUnits multiplies O before the ranking loss (its theta is in units of Q*K^T before
   *     the 1/sqrt(d) scale; an export that scales q first passes sqrt(d))
   */
  public static Result search(
      float[] a,
      float[] b,
      Shape sh,
      QuantParams aBase,
      QuantParams bBase,
      RankingLoss ranking,
      double rankUnits,
      SimilaritySearch.Config cfg) {
    float[] target = product(a, b, sh);
    int ai = cfg.nearestOne();
    int bi = cfg.nearestOne();
    float[] aq = fakeQuant(a, SimilarityGrid.scaled(aBase, cfg.alpha(ai)));
    float[] bq = fakeQuant(b, SimilarityGrid.scaled(bBase, cfg.alpha(bi)));
    Score best = null;
    for (int round = 0; round < cfg.maxRounds(); round++) {
      Score prev = best;
      Score sb = null;
      for (int c = 0; c < cfg.candidates(); c++) {
        float[] cand = fakeQuant(b, SimilarityGrid.scaled(bBase, cfg.alpha(c)));
        Score s = score(target, aq, cand, sh, ranking, rankUnits, c);
        if (sb == null || s.objective() > sb.objective()) sb = s;
      }
      bi = sb.index();
      bq = fakeQuant(b, SimilarityGrid.scaled(bBase, cfg.alpha(bi)));
      Score sa = null;
      for (int c = 0; c < cfg.candidates(); c++) {
        float[] cand = fakeQuant(a, SimilarityGrid.scaled(aBase, cfg.alpha(c)));
        Score s = score(target, cand, bq, sh, ranking, rankUnits, c);
        if (sa == null || s.objective() > sa.objective()) sa = s;
      }
      ai = sa.index();
      aq = fakeQuant(a, SimilarityGrid.scaled(aBase, cfg.alpha(ai)));
      best = sa;
      if (prev != null && best.objective() <= prev.objective() + 1e-7) break;
    }
    return new Result(
        SimilarityGrid.scaled(aBase, cfg.alpha(ai)),
        SimilarityGrid.scaled(bBase, cfg.alpha(bi)),
        best.objective(),
        best.similarity(),
        best.ranking());
  }

  private record Score(int index, double objective, double similarity, double ranking) {}

  private static Score score(
      float[] target,
      float[] aq,
      float[] bq,
      Shape sh,
      RankingLoss ranking,
      double units,
      int index) {
    float[] o = product(aq, bq, sh);
    int perImage = sh.heads() * sh.rows() * sh.n();
    double sim =
        IntStream.range(0, sh.images())
                .parallel()
                .mapToDouble(
                    img -> {
                      Pearson.Sums s = new Pearson.Sums();
                      for (int k = img * perImage, e = k + perImage; k < e; k++)
                        s.add(target[k], o[k]);
                      return s.correlation();
                    })
                .sum()
            / sh.images();
    double rank = 0;
    if (ranking != null) {
      int rowsAll = sh.segments() * sh.rows();
      float[] t = target;
      float[] q = o;
      if (units != 1.0) {
        t = scaledCopy(target, units);
        q = scaledCopy(o, units);
      }
      float[] tt = t;
      float[] qq = q;
      int chunk = Math.max(1, rowsAll / 16);
      rank =
          IntStream.range(0, (rowsAll + chunk - 1) / chunk)
                  .parallel()
                  .mapToDouble(
                      c -> ranking.sum(tt, qq, c * chunk, Math.min(chunk, rowsAll - c * chunk)))
                  .sum()
              / ((double) rowsAll * ranking.pairs());
    }
    return new Score(index, sim - RankingLoss.GAMMA * rank, sim, rank);
  }

  /** Per segment A [rows, m] times B [m, n]. */
  public static float[] product(float[] a, float[] b, Shape sh) {
    int segA = sh.rows() * sh.m();
    int segB = sh.m() * sh.n();
    int segO = sh.rows() * sh.n();
    float[] o = new float[sh.segments() * segO];
    IntStream.range(0, sh.segments())
        .parallel()
        .forEach(
            s -> {
              for (int r = 0; r < sh.rows(); r++) {
                int oo = s * segO + r * sh.n();
                for (int p = 0; p < sh.m(); p++) {
                  float av = a[s * segA + r * sh.m() + p];
                  if (av == 0f) continue;
                  int bo = s * segB + p * sh.n();
                  for (int j = 0; j < sh.n(); j++) o[oo + j] += av * b[bo + j];
                }
              }
            });
    return o;
  }

  static float[] fakeQuant(float[] x, QuantParams p) {
    return Levels.fakeQuant(x, p.scale(0), p.zeroPoint(0), p.range());
  }

  private static float[] scaledCopy(float[] x, double f) {
    float[] out = new float[x.length];
    for (int i = 0; i < x.length; i++) out[i] = (float) (x[i] * f);
    return out;
  }
}
