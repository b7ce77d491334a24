package io.onnxq.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class PowerOfTwoFactorTest {
  private static final IntRange U8 = IntRange.uint(8);

  /** rows x channels, even channels uniform in [-8, 8], odd channels in [-1, 1]. */
  static float[] mixedMagnitudes(int rows, int channels, long seed) {
    Random rnd = new Random(seed);
    float[] x = new float[rows * channels];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < channels; c++) {
        x[r * channels + c] = (float) ((rnd.nextDouble() * 2 - 1) * (c % 2 == 0 ? 8 : 1));
      }
    }
    return x;
  }

  @Test
  void largeChannelsGetAlpha3AndSmallOnesAlpha0() {
    int rows = 512;
    int ch = 16;
    float[] x = mixedMagnitudes(rows, ch, 42);
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    for (float v : x) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    PtfParams p = PowerOfTwoFactor.compute(min, max, x, rows, ch, U8);
    QuantParams perTensor = UniformQuantizer.asymmetric(min, max, U8);
    assertEquals(perTensor.scale(0) / 8, p.sBase());
    assertEquals(perTensor.zeroPoint(0), p.zeroPoint());
    for (int c = 0; c < ch; c++) {
      assertEquals(c % 2 == 0 ? 3 : 0, p.alpha()[c], "channel " + c);
      assertEquals(p.sBase() * (1 << p.alpha()[c]), p.channelScales()[c]);
    }
    assertEquals(perTensor.scale(0), p.channelScale(0)); // alpha 3 is exactly s8
    double ptfMse = PowerOfTwoFactor.mse(p, x, rows, ch);
    double tensorMse = UniformQuantizer.mse(x, perTensor);
    assertTrue(ptfMse < tensorMse, "ptf " + ptfMse + " vs per-tensor " + tensorMse);
    QuantParams qp = p.toQuantParams(2);
    assertEquals(2, qp.axis());
    assertEquals(p.zeroPoint(), qp.zeroPoint(5));
  }

  @Test
  void uniformMagnitudesKeepTheFullScale() {
    int rows = 256;
    int ch = 8;
    Random rnd = new Random(3);
    float[] x = new float[rows * ch];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (rnd.nextDouble() * 8 - 4);
    }
    PtfParams p = PowerOfTwoFactor.compute(-4f, 4f, x, rows, ch, U8);
    for (int a : p.alpha()) {
      assertEquals(3, a);
    }
  }
}
