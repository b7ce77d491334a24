package io.onnxq.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** The benchmark's statistics: interpolated percentiles of the timed runs, ratios of medians. */
class LatencyTest {
  @Test
  void medianAndSpreadInterpolateLikeNumpy() {
    // numpy.percentile([5, 1, 4, 2, 3], [50, 10, 90]) = [3, 1.4, 4.6]
    Latency l = Latency.of(1, new double[] {5, 1, 4, 2, 3});
    assertEquals(3, l.medianMs(), 1e-12);
    assertEquals(1.4, l.p10Ms(), 1e-12);
    assertEquals(4.6, l.p90Ms(), 1e-12);
    assertEquals(5, l.runs());
    // an even count: the median is the mean of the middle two
    assertEquals(2.5, Latency.of(1, new double[] {4, 1, 3, 2}).medianMs(), 1e-12);
    Latency one = Latency.of(8, new double[] {7});
    assertEquals(7, one.medianMs());
    assertEquals(7, one.p10Ms());
    assertEquals(7, one.p90Ms());
  }

  @Test
  void oneOutlierDoesNotMoveTheSpread() {
    double[] ms = new double[20];
    java.util.Arrays.fill(ms, 2.0);
    ms[7] = 40; // a run stalled by another process
    Latency l = Latency.of(1, ms);
    assertEquals(2.0, l.medianMs(), 1e-12);
    assertEquals(2.0, l.p90Ms(), 1e-12);
  }

  @Test
  void ratioIsToTheBaselineMedianAtTheSameBatch() {
    Latency base = Latency.of(1, new double[] {2, 2, 2});
    Latency other = Latency.of(1, new double[] {3, 3, 3});
    assertEquals(1.0, base.ratioTo(base));
    assertEquals(1.5, other.ratioTo(base), 1e-12);
    // a model fixed at another batch does other work: no ratio
    assertNull(Latency.of(4, new double[] {3}).ratioTo(base));
    // the baseline sat this batch size out
    assertNull(other.ratioTo(null));
  }

  @Test
  void theInputIsLeftUnsorted() {
    double[] ms = {3, 1, 2};
    Latency.of(1, ms);
    assertEquals(3, ms[0]);
  }
}
