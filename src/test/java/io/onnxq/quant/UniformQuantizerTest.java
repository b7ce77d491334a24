package io.onnxq.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onnxq.OnnxqException;
import org.junit.jupiter.api.Test;

class UniformQuantizerTest {
  private static final IntRange U8 = IntRange.uint(8);
  private static final IntRange S8 = IntRange.sint(8);

  @Test
  void rangeFactories() {
    assertEquals(new IntRange(0, 255, false), U8);
    assertEquals(new IntRange(-128, 127, true), S8);
    assertEquals(new IntRange(-127, 127, true), IntRange.sintNarrow(8));
    assertEquals(new IntRange(-63, 63, true), IntRange.sintReduced(8));
    assertEquals(256, U8.levels());
    assertEquals(127, IntRange.sintReduced(8).levels());
    assertTrue(IntRange.sintNarrow(8).isSymmetricNarrow());
    assertTrue(!S8.isSymmetricNarrow());
  }

  @Test
  void asymmetricKnownRange() {
    QuantParams p = UniformQuantizer.asymmetric(-1f, 3f, U8);
    assertEquals(4f / 255f, p.scale(0), 1e-9f);
    assertEquals(64, p.zeroPoint(0));
    assertTrue(!p.isPerChannel());
    // int8 grid: same scale, zero point shifted by -128.
    QuantParams q = UniformQuantizer.asymmetric(-1f, 3f, S8);
    assertEquals(p.scale(0), q.scale(0));
    assertEquals(-64, q.zeroPoint(0));
  }

  @Test
  void asymmetricWidensToIncludeZero() {
    QuantParams pos = UniformQuantizer.asymmetric(2f, 5f, U8);
    assertEquals(5f / 255f, pos.scale(0), 1e-9f);
    assertEquals(0, pos.zeroPoint(0));
    QuantParams neg = UniformQuantizer.asymmetric(-5f, -2f, U8);
    assertEquals(255, neg.zeroPoint(0));
  }

  @Test
  void zeroAlwaysExactlyRepresentable() {
    float[][] ranges = {
      {-1f, 3f}, {2f, 5f}, {-5f, -2f}, {-0.3f, 0.7f}, {-1e-3f, 1e4f}, {0f, 0f}, {-7.77f, 0.01f}
    };
    for (IntRange r : new IntRange[] {U8, S8, IntRange.uint(4), IntRange.sintReduced(8)}) {
      for (float[] mm : ranges) {
        QuantParams p = UniformQuantizer.asymmetric(mm[0], mm[1], r);
        assertEquals(
            0f,
            UniformQuantizer.fakeQuant(0f, p.scale(0), p.zeroPoint(0), r),
            "range " + mm[0] + ".." + mm[1] + " " + r);
        assertTrue(p.zeroPoint(0) >= r.qmin() && p.zeroPoint(0) <= r.qmax());
      }
    }
  }

  @Test
  void degenerateRangeGetsEpsilonScale() {
    QuantParams p = UniformQuantizer.asymmetric(0f, 0f, U8);
    assertEquals(Math.ulp(1f), p.scale(0));
    assertEquals(0, p.zeroPoint(0));
    assertEquals(Math.ulp(1f), UniformQuantizer.symmetric(0f, S8).scale(0));
  }

  @Test
  void nonFiniteRangeIsUserError() {
    assertThrows(OnnxqException.class, () -> UniformQuantizer.asymmetric(Float.NaN, 1f, U8));
    assertThrows(
        OnnxqException.class, () -> UniformQuantizer.asymmetric(-1f, Float.POSITIVE_INFINITY, U8));
  }

  @Test
  void symmetricScales() {
    QuantParams full = UniformQuantizer.symmetric(2f, S8);
    assertEquals((float) (2.0 / 127.5), full.scale(0));
    assertEquals(0, full.zeroPoint(0));
    assertEquals(2f / 127f, UniformQuantizer.symmetric(2f, IntRange.sintNarrow(8)).scale(0));
    assertEquals(2f / 63f, UniformQuantizer.symmetric(2f, IntRange.sintReduced(8)).scale(0));
    // Narrow grid: +-absMax land exactly on +-qmax.
    float s = UniformQuantizer.symmetric(2f, IntRange.sintNarrow(8)).scale(0);
    assertEquals(127, UniformQuantizer.quantize(2f, s, 0, IntRange.sintNarrow(8)));
    assertEquals(-127, UniformQuantizer.quantize(-2f, s, 0, IntRange.sintNarrow(8)));
    assertEquals(128, UniformQuantizer.symmetric(2f, U8).zeroPoint(0));
  }

  @Test
  void roundTripWithinHalfStepInsideRangeAndSaturatesOutside() {
    float min = -1.3f;
    float max = 2.9f;
    for (IntRange r : new IntRange[] {U8, S8, IntRange.uint(4)}) {
      QuantParams p = UniformQuantizer.asymmetric(min, max, r);
      float s = p.scale(0);
      int z = p.zeroPoint(0);
      for (int i = 0; i <= 10_000; i++) {
        float x = min + (max - min) * i / 10_000f;
        float err = Math.abs(x - UniformQuantizer.fakeQuant(x, s, z, r));
        assertTrue(err <= s / 2 * (1 + 1e-5f), "x=" + x + " err=" + err + " s=" + s);
      }
      assertEquals(r.qmax(), UniformQuantizer.quantize(max + 10f, s, z, r));
      assertEquals(r.qmin(), UniformQuantizer.quantize(min - 10f, s, z, r));
      assertEquals(r.qmax(), UniformQuantizer.quantize(Float.POSITIVE_INFINITY, s, z, r));
      assertEquals(r.qmin(), UniformQuantizer.quantize(Float.NEGATIVE_INFINITY, s, z, r));
      assertEquals(z, UniformQuantizer.quantize(Float.NaN, s, z, r));
    }
  }

  @Test
  void roundsHalfToEven() {
    assertEquals(2, UniformQuantizer.quantize(2.5f, 1f, 0, S8));
    assertEquals(4, UniformQuantizer.quantize(3.5f, 1f, 0, S8));
    assertEquals(-2, UniformQuantizer.quantize(-2.5f, 1f, 0, S8));
    assertEquals(0, UniformQuantizer.quantize(0.5f, 1f, 0, S8));
    assertEquals(12, UniformQuantizer.quantize(0.5f, 1f, 12, S8));
  }

  @Test
  void dividesInFloat32LikeOnnxRuntime() {
    // 0.35f / 0.1f is exactly 3.5 in float32 (-> 4 half-to-even) but 3.4999999 in double (-> 3).
    assertEquals(3.0, Math.rint((double) 0.35f / 0.1f));
    assertEquals(4, UniformQuantizer.quantize(0.35f, 0.1f, 0, S8));
  }

  @Test
  void mseIsZeroOnGridAndQuarterStepSquaredHalfway() {
    float s = 0.5f;
    float[] onGrid = {0f, 0.5f, -1f, 2f};
    assertEquals(0.0, UniformQuantizer.mse(onGrid, 0, onGrid.length, s, 0, S8));
    float[] off = {0.25f + 1e-3f, 0.75f + 1e-3f};
    assertEquals(Math.pow(0.25 - 1e-3, 2), UniformQuantizer.mse(off, 0, 2, s, 0, S8), 1e-8);
    assertEquals(0.0, UniformQuantizer.mse(off, 1, 0, s, 0, S8));
  }

  @Test
  void quantParamsIsImmutableAndPerChannelAware() {
    float[] s = {0.1f, 0.2f};
    QuantParams p = QuantParams.perChannel(s, new int[] {0, 0}, 0, S8);
    s[0] = 9f;
    assertEquals(0.1f, p.scale(0));
    p.scale()[1] = 9f;
    assertEquals(0.2f, p.scale(1));
    assertTrue(p.isPerChannel());
    assertEquals(2, p.channels());
    QuantParams t = QuantParams.perTensor(0.5f, 3, U8);
    assertEquals(0.5f, t.scale(7));
    assertEquals(3, t.zeroPoint(7));
    assertEquals(t, QuantParams.perTensor(0.5f, 3, U8));
    assertThrows(IllegalArgumentException.class, () -> QuantParams.perTensor(0f, 0, U8));
    assertThrows(IllegalArgumentException.class, () -> QuantParams.perTensor(1f, 300, U8));
  }
}
