package io.onnxq.calib.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PearsonTest {
  @Test
  void handComputedCorrelation() {
    // y = (1, 2, 3), z = (1, 3, 2): cov = 0.5 (sum of products of deviations / 1), var = 1 each
    assertEquals(0.5, Pearson.of(new float[] {1, 2, 3}, new float[] {1, 3, 2}), 1e-12);
  }

  @Test
  void blindToScaleAndShiftButNotToSign() {
    float[] y = {0.3f, -1.2f, 2.5f, 0.7f, -0.1f};
    float[] z = new float[y.length];
    for (int i = 0; i < y.length; i++) z[i] = 7f * y[i] + 3f;
    assertEquals(1.0, Pearson.of(y, z), 1e-6);
    for (int i = 0; i < y.length; i++) z[i] = -0.5f * y[i];
    assertEquals(-1.0, Pearson.of(y, z), 1e-6);
  }

  @Test
  void averagesPerSampleNotOverTheWholeBatch() {
    // sample 0 perfectly correlated, sample 1 perfectly anti-correlated: mean 0, although the
    // pooled correlation of all six pairs is positive (sample 1 sits far above sample 0)
    float[] y = {1, 2, 3, 11, 12, 13};
    float[] z = {1, 2, 3, 13, 12, 11};
    assertEquals(0.0, Pearson.meanPerSample(y, z, 2), 1e-9);
    assertTrue(Pearson.of(y, z) > 0.9);
  }

  @Test
  void aConstantSideCountsAsNoCorrelation() {
    assertEquals(0.0, Pearson.of(new float[] {1, 2, 3}, new float[] {4, 4, 4}));
  }
}
