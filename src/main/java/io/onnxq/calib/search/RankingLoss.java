package io.onnxq.calib.search;

import java.util.SplittableRandom;

/**
 * The ranking loss of Liu et al. 2021 on attention scores: for a pair (i, j) of scores in one row,
 * Phi((a_hat_i - a_hat_j) * sign(a_i - a_j)) with Phi(p) = max(theta - p, 0), so a quantized pair
 * pays when it loses the FP32 order or keeps less than theta of margin.
 *
 * <p>The published loss sums over every pair of every row (about 3.8M per head at 197 tokens),
 * which would swamp the Pearson term (at most 1). Here it is the mean over a fixed sample of pairs:
 * {@code pairsPerRow} pairs i &lt; j per row, drawn once with a fixed seed, so every candidate is
 * scored on the same pairs. FP32 pairs that are tied pay theta whatever the candidate, which shifts
 * the loss but not which candidate wins.
 */
public final class RankingLoss {
  public static final double GAMMA = 0.1;
  public static final double THETA = 0.2;

  private final int cols;
  private final int[] first;
  private final int[] second;

  /**
   * @param cols scores per row
   * @param pairsPerRow pairs sampled per row (all pairs when there are fewer)
   */
  public RankingLoss(int cols, int pairsPerRow, long seed) {
    if (cols < 2) throw new IllegalArgumentException("a ranking needs at least 2 scores per row");
    this.cols = cols;
    long all = (long) cols * (cols - 1) / 2;
    int n = (int) Math.min(all, pairsPerRow);
    first = new int[n];
    second = new int[n];
    if (n == all) {
      int k = 0;
      for (int i = 0; i < cols; i++)
        for (int j = i + 1; j < cols; j++) {
          first[k] = i;
          second[k++] = j;
        }
      return;
    }
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int k = 0; k < n; k++) {
      int i = rnd.nextInt(cols);
      int j = rnd.nextInt(cols - 1);
      if (j >= i) j++;
      first[k] = Math.min(i, j);
      second[k] = Math.max(i, j);
    }
  }

  public int pairs() {
    return first.length;
  }

  /**
   * Mean hinge over the sampled pairs of every row.
   *
   * @param a FP32 scores [rows, cols]
   * @param aHat quantized scores, same layout and units
   */
  public double of(float[] a, float[] aHat, int rows) {
    return sum(a, aHat, 0, rows) / ((double) rows * first.length);
  }

  /** Sum of the hinge over the sampled pairs of rows [row0, row0 + rows). */
  double sum(float[] a, float[] aHat, int row0, int rows) {
    double loss = 0;
    for (int r = row0; r < row0 + rows; r++) {
      int o = r * cols;
      for (int k = 0; k < first.length; k++) {
        float d = a[o + first[k]] - a[o + second[k]];
        double p = (aHat[o + first[k]] - aHat[o + second[k]]) * Math.signum(d);
        if (p < THETA) loss += THETA - p;
      }
    }
    return loss;
  }
}
