package io.onnxq.calib.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RankingLossTest {
  @Test
  void handMadeScoreMatrix() {
    RankingLoss loss = new RankingLoss(3, 64, 1);
    assertEquals(3, loss.pairs(), "all 3 pairs of a 3-score row");
    float[] a = {3, 1, 2};
    // Same order with margins >= 1 > theta: no pair pays.
    assertEquals(0.0, loss.of(a, a, 1), 1e-12);
    // (1, 3, 2): pair (0,1) p = (1-3)*sign(3-1) = -2 pays 2.2; (0,2) p = -1 pays 1.2;
    // (1,2) p = (3-2)*sign(1-2) = -1 pays 1.2. Mean 4.6 / 3.
    assertEquals(4.6 / 3, loss.of(a, new float[] {1, 3, 2}, 1), 1e-6);
    // A second row averages in: rows 2, total 4.6 over 6 pairs.
    assertEquals(
        4.6 / 6, loss.of(new float[] {3, 1, 2, 3, 1, 2}, new float[] {3, 1, 2, 1, 3, 2}, 2), 1e-6);
  }

  @Test
  void marginsBelowThetaPayTheRest() {
    RankingLoss loss = new RankingLoss(2, 1, 1);
    // FP32 order kept with margin 0.05: pays theta - 0.05
    assertEquals(
        RankingLoss.THETA - 0.05, loss.of(new float[] {1f, 0f}, new float[] {0.05f, 0f}, 1), 1e-6);
    // a quantized tie pays theta
    assertEquals(RankingLoss.THETA, loss.of(new float[] {1f, 0f}, new float[] {0f, 0f}, 1), 1e-9);
  }

  @Test
  void sampledPairsAreDistinctOrderedIndices() {
    RankingLoss loss = new RankingLoss(197, 64, 7);
    assertEquals(64, loss.pairs());
    float[] a = new float[197];
    for (int i = 0; i < a.length; i++) a[i] = 10f * i; // every margin >= 10
    float[] reversed = new float[197];
    for (int i = 0; i < a.length; i++) reversed[i] = -a[i];
    assertEquals(0.0, loss.of(a, a, 1), 1e-12);
    // Reversed order: every sampled pair pays theta + |margin| >= theta + 10 (none is i == j).
    assertTrue(loss.of(a, reversed, 1) >= RankingLoss.THETA + 10);
  }
}
