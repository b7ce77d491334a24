package io.onnxq.calib.observe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onnxq.OnnxqException;
import io.onnxq.quant.IntRange;
import io.onnxq.quant.PowerOfTwoFactor;
import io.onnxq.quant.PtfParams;
import io.onnxq.quant.QuantParams;
import io.onnxq.quant.UniformQuantizer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RowStatsTest {
  private static final IntRange U8 = IntRange.uint(8);

  @Test
  void rowSamplerKeepsWholeRowsBoundedAndUniform() {
    int ch = 4;
    RowSampler s = new RowSampler(1000, 17);
    int rowId = 0;
    for (int batch = 0; batch < 1000; batch++) {
      float[] x = new float[100 * ch];
      for (int r = 0; r < 100; r++, rowId++) {
        for (int c = 0; c < ch; c++) {
          x[r * ch + c] = rowId * 10f + c;
        }
      }
      s.update(x, 100, ch);
      assertTrue(s.rows() <= 1000);
    }
    assertEquals(1000, s.rows());
    float[] d = s.data();
    assertEquals(1000 * ch, d.length);
    double meanId = 0;
    for (int r = 0; r < 1000; r++) {
      float id = d[r * ch] / 10f;
      for (int c = 0; c < ch; c++) {
        assertEquals(id * 10f + c, d[r * ch + c], "row " + r + " was torn");
      }
      meanId += id / 1000.0;
    }
    // Uniform over 100k rows: mean id 50k, standard error ~913.
    assertEquals(50_000, meanId, 4_000);
    assertThrows(OnnxqException.class, () -> s.update(new float[6], 2, 3));
  }

  @Test
  void rowSamplerIsReproducible() {
    RowSampler a = new RowSampler(8, 3);
    RowSampler b = new RowSampler(8, 3);
    Random rnd = new Random(1);
    for (int i = 0; i < 50; i++) {
      float[] x = new float[10];
      for (int j = 0; j < x.length; j++) {
        x[j] = (float) rnd.nextGaussian();
      }
      a.update(x, 5, 2);
      b.update(x, 5, 2);
    }
    assertArrayEquals(a.data(), b.data());
  }

  @Test
  void channelMinMaxTracksLastAxis() {
    ChannelMinMax m = new ChannelMinMax();
    m.update(new float[] {1f, -2f, 3f, 0.5f, 4f, Float.NaN}, 2, 3);
    m.update(new float[] {-1f, 0f, 2f}, 1, 3);
    assertArrayEquals(new float[] {-1f, -2f, 2f}, m.min());
    assertArrayEquals(new float[] {1f, 4f, 3f}, m.max());
    assertEquals(-2f, m.globalMin());
    assertEquals(4f, m.globalMax());
    QuantParams p = m.params(U8, 2);
    assertEquals(2, p.axis());
    assertEquals(UniformQuantizer.asymmetric(-2f, 4f, U8).scale(0), p.scale(1));
  }

  @Test
  void ptfObserverUsesBaseRangeAndPicksPowerOfTwoFactors() {
    int rows = 256;
    int ch = 16;
    Random rnd = new Random(42);
    PtfObserver ptf = new PtfObserver(ObserverKind.EMA);
    Observer ema = ObserverKind.EMA.create();
    float[] all = new float[4 * rows * ch];
    for (int batch = 0; batch < 4; batch++) {
      float[] x = new float[rows * ch];
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < ch; c++) {
          x[r * ch + c] = (float) ((rnd.nextDouble() * 2 - 1) * (c % 2 == 0 ? 8 : 1));
        }
      }
      System.arraycopy(x, 0, all, batch * x.length, x.length);
      ptf.update(x, rows, ch);
      ema.update(x, rows, ch);
    }
    assertEquals("ptf-ema", ptf.name());
    assertEquals(ema.range(U8), ptf.range(U8));
    assertEquals(ema.params(U8), ptf.params(U8));
    PtfParams p = ptf.ptfParams(U8);
    assertEquals(ema.params(U8).scale(0) / 8, p.sBase());
    for (int c = 0; c < ch; c++) {
      assertEquals(c % 2 == 0 ? 3 : 0, p.alpha()[c], "channel " + c);
    }
    assertTrue(
        PowerOfTwoFactor.mse(p, all, 4 * rows, ch) < UniformQuantizer.mse(all, ptf.params(U8)));
    assertTrue(ptf.rowSampler().rows() <= RowSampler.DEFAULT_MAX_ROWS);
  }

  @Test
  void percentileWithZeroQuantileIsExactMinMax() {
    PercentileObserver p = new PercentileObserver(0.0, 256, 0.01);
    float[] x = {-3.25f, 0.1f, 7.5f, 1e4f, 2f, -0.5f};
    p.update(x, 3, 2);
    assertEquals(new ValueRange(-3.25f, 1e4f), p.range(U8));
  }
}
