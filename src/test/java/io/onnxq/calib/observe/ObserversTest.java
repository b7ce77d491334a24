package io.onnxq.calib.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onnxq.OnnxqException;
import io.onnxq.quant.IntRange;
import io.onnxq.quant.QuantParams;
import io.onnxq.quant.UniformQuantizer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ObserversTest {
  private static final IntRange U8 = IntRange.uint(8);
  private static final float[] B1 = {-1f, 0.5f, 2f, 0f};
  private static final float[] B2 = {-3f, 1f, 4f, 0f};

  @Test
  void minMaxAndEmaOnTwoBatches() {
    Observer mm = ObserverKind.MINMAX.create();
    Observer ema = ObserverKind.EMA.create();
    for (Observer o : new Observer[] {mm, ema}) {
      o.update(B1, 2, 2);
      o.update(B2, 2, 2);
    }
    assertEquals(new ValueRange(-3f, 4f), mm.range(U8));
    assertEquals(UniformQuantizer.asymmetric(-3f, 4f, U8), mm.params(U8));
    // EMA: init (-1, 2); then -1 + 0.01 (-3 - -1) = -1.02 and 2 + 0.01 (4 - 2) = 2.02.
    ValueRange e = ema.range(U8);
    assertEquals(-1.02f, e.min(), 1e-6f);
    assertEquals(2.02f, e.max(), 1e-6f);
    QuantParams p = ema.params(U8);
    assertEquals(3.04f / 255f, p.scale(0), 1e-7f);
    assertEquals(86, p.zeroPoint(0)); // 0 - rint(-1.02 / (3.04 / 255)) = rint(85.56)
  }

  @Test
  void nonFiniteValuesAreIgnored() {
    for (ObserverKind k : ObserverKind.values()) {
      Observer o = k.create();
      o.update(new float[] {Float.NaN, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY}, 1, 3);
      assertThrows(OnnxqException.class, () -> o.range(U8), k.cliName());
      o.update(new float[] {-1f, Float.NaN, 1f, Float.POSITIVE_INFINITY}, 2, 2);
      ValueRange r = o.range(U8);
      assertTrue(Float.isFinite(r.min()) && Float.isFinite(r.max()), k.cliName());
    }
  }

  @Test
  void emptyObserverIsUserError() {
    OnnxqException e = assertThrows(OnnxqException.class, () -> new MinMaxObserver().params(U8));
    assertTrue(e.getMessage().contains("minmax"));
  }

  @Test
  void percentileOnUniformRampMatchesAnalyticQuantiles() {
    int n = 1_000_000;
    float[] ramp = new float[n];
    for (int i = 0; i < n; i++) {
      ramp[i] = (float) i / (n - 1);
    }
    PercentileObserver o = new PercentileObserver();
    o.update(ramp, n / 8, 8);
    ValueRange r = o.range(U8);
    double bin = 1.0 / PercentileObserver.DEFAULT_BINS;
    // numpy 'linear' quantile of i/(n-1) at q is exactly q.
    assertEquals(1e-5, r.min(), bin);
    assertEquals(1 - 1e-5, r.max(), bin);
    // The fine histogram actually gets much closer than one coarse bin.
    assertEquals(1e-5, r.min(), 1e-6);
    assertEquals(1 - 1e-5, r.max(), 1e-6);
  }

  @Test
  void percentileIgnoresSingleExtremeOutlier() {
    int n = 1_000_000;
    Random rnd = new Random(11);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) (rnd.nextDouble() * 2 - 1);
    }
    x[123_457] = 10_000f;
    Observer p = ObserverKind.PERCENTILE.create();
    p.update(x, n, 1);
    ValueRange r = p.range(U8);
    assertTrue(r.max() > 0.99f && r.max() < 1.0f, "max " + r.max());
    assertTrue(r.min() < -0.99f && r.min() > -1.0f, "min " + r.min());
    Observer mm = ObserverKind.MINMAX.create();
    mm.update(x, n, 1);
    assertEquals(10_000f, mm.range(U8).max());
  }

  @Test
  void percentileSmoothsAcrossBatchesWithEma() {
    int n = 200_000;
    float[] a = new float[n];
    float[] b = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) i / (n - 1);
      b[i] = 2 * a[i];
    }
    PercentileObserver o = new PercentileObserver();
    o.update(a, n, 1);
    o.update(b, n, 1);
    double hi1 = 1 - 1e-5;
    assertEquals(hi1 + 0.01 * (2 * hi1 - hi1), o.range(U8).max(), 1e-5);
  }

  @Test
  void percentileConstantBatch() {
    Observer o = ObserverKind.PERCENTILE.create();
    o.update(new float[] {0.5f, 0.5f, 0.5f}, 3, 1);
    assertEquals(new ValueRange(0.5f, 0.5f), o.range(U8));
  }

  private static float[] laplace(int n, long seed) {
    Random rnd = new Random(seed);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      double u = rnd.nextDouble() - 0.5;
      x[i] = (float) (-Math.signum(u) * Math.log(1 - 2 * Math.abs(u)));
    }
    return x;
  }

  @Test
  void omseShrinksHeavyTailsAndBeatsMinMax() {
    float[] x = laplace(200_000, 5);
    Observer omse = ObserverKind.OMSE.create();
    Observer mm = ObserverKind.MINMAX.create();
    for (int off = 0; off < x.length; off += 20_000) {
      float[] batch = java.util.Arrays.copyOfRange(x, off, off + 20_000);
      omse.update(batch, 2_500, 8);
      mm.update(batch, 2_500, 8);
    }
    ValueRange full = mm.range(U8);
    ValueRange shrunk = omse.range(U8);
    assertTrue(shrunk.max() < 0.95f * full.max(), "omse " + shrunk + " minmax " + full);
    double omseMse = UniformQuantizer.mse(x, omse.params(U8));
    double mmMse = UniformQuantizer.mse(x, mm.params(U8));
    assertTrue(omseMse <= mmMse, "omse " + omseMse + " minmax " + mmMse);
  }

  @Test
  void omseKeepsFullRangeForUniformData() {
    Random rnd = new Random(9);
    float[] x = new float[200_000];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (rnd.nextDouble() * 2 - 1);
    }
    Observer omse = ObserverKind.OMSE.create();
    Observer mm = ObserverKind.MINMAX.create();
    omse.update(x, x.length, 1);
    mm.update(x, x.length, 1);
    assertEquals(mm.range(U8), omse.range(U8));
    assertEquals(mm.params(U8), omse.params(U8));
  }

  @Test
  void omseReservoirStaysBoundedAndIsReproducible() {
    OmseObserver a = new OmseObserver(1000, 1);
    OmseObserver b = new OmseObserver(1000, 1);
    float[] x = laplace(1000, 2);
    for (int batch = 0; batch < 500; batch++) {
      for (int i = 0; i < x.length; i++) {
        x[i] += 1e-3f;
      }
      a.update(x, 250, 4);
      b.update(x, 250, 4);
      assertTrue(a.sampleSize() <= 1000);
    }
    assertEquals(1000, a.sampleSize());
    assertEquals(a.params(U8), b.params(U8));
  }

  @Test
  void percentileMemoryIsFixedHistograms() {
    PercentileObserver o = new PercentileObserver(1e-5, 64, 0.01);
    Random rnd = new Random(1);
    float[] x = new float[4096];
    for (int batch = 0; batch < 200; batch++) {
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) rnd.nextGaussian();
      }
      o.update(x, 512, 8);
    }
    ValueRange r = o.range(U8);
    assertTrue(r.max() > 3f && r.max() < 5f, "max " + r.max());
  }

  @Test
  void kindsParseCaseInsensitivelyAndCreateNamedObservers() {
    assertEquals(ObserverKind.MINMAX, ObserverKind.parse("MinMax"));
    assertEquals(ObserverKind.OMSE, ObserverKind.parse(" OMSE "));
    assertEquals(ObserverKind.PERCENTILE, ObserverKind.parse("percentile"));
    for (ObserverKind k : ObserverKind.values()) {
      assertEquals(k.cliName(), k.create().name());
      assertEquals(k, ObserverKind.parse(k.cliName().toUpperCase()));
    }
  }

  @Test
  void unknownMethodListsValidOnes() {
    OnnxqException e = assertThrows(OnnxqException.class, () -> ObserverKind.parse("kl"));
    assertEquals(
        "unknown calibration method 'kl'; valid methods: minmax, ema, percentile, omse",
        e.getMessage());
    assertThrows(OnnxqException.class, () -> ObserverKind.parse(null));
  }
}
