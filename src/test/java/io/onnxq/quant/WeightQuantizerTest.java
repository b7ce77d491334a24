package io.onnxq.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onnxq.OnnxqException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WeightQuantizerTest {
  private static final IntRange NARROW = IntRange.sintNarrow(8);

  @Test
  void zeroChannelGetsFiniteScaleAndZeroCodes() {
    // Gemm transB layout [N=3, K=4], output channel axis 0; channel 1 is all zero.
    float[] w = {0.5f, -1f, 0.25f, 0.1f, 0f, 0f, 0f, 0f, 3f, -2f, 1f, -3f};
    QuantizedWeight q = WeightQuantizer.quantizePerChannel(w, new int[] {3, 4}, 0, NARROW);
    assertEquals(3, q.channels());
    assertEquals(1f / 127f, q.scales()[0]);
    assertEquals(1f, q.scales()[1]);
    assertEquals(3f / 127f, q.scales()[2]);
    assertArrayEquals(new int[3], q.zeroPoints());
    for (int i = 4; i < 8; i++) {
      assertEquals(0, q.codes()[i]);
    }
    float[] dq = q.dequantize();
    for (int i = 0; i < w.length; i++) {
      assertTrue(Float.isFinite(dq[i]));
      assertTrue(Math.abs(dq[i] - w[i]) <= q.scales()[i / 4] / 2 + 1e-7f);
    }
    assertEquals(-127, q.codes()[1]); // absmax maps exactly onto the narrow grid's end
    assertEquals(-127, q.codes()[11]);
    double[] sqnr = q.sqnrDb(w);
    assertEquals(Double.POSITIVE_INFINITY, sqnr[1]);
    assertTrue(sqnr[0] > 35 && sqnr[2] > 35, "sqnr " + sqnr[0] + ", " + sqnr[2]);
    QuantParams p = q.params();
    assertEquals(0, p.axis());
    assertEquals(3, p.channels());
  }

  @Test
  void matMulLayoutUsesColumnsAsChannels() {
    // MatMul weight [K=2, N=3], output channel axis 1.
    float[] w = {1f, -4f, 0.5f, -2f, 3f, 0.25f};
    QuantizedWeight q = WeightQuantizer.quantizePerChannel(w, new int[] {2, 3}, 1, NARROW);
    assertArrayEquals(new float[] {2f / 127f, 4f / 127f, 0.5f / 127f}, q.scales());
    assertEquals(-127, q.codes()[3]);
    assertEquals(-127, q.codes()[1]);
    assertEquals(127, q.codes()[2]);
  }

  @Test
  void reducedRangeCodesStayWithin63() {
    Random rnd = new Random(7);
    int o = 16;
    int k = 64;
    float[] w = new float[o * k];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) (rnd.nextGaussian() * (1 + i / k));
    }
    QuantizedWeight q =
        WeightQuantizer.quantizePerChannel(w, new int[] {o, k}, 0, IntRange.sintReduced(8));
    int lo = 0;
    int hi = 0;
    for (byte c : q.codes()) {
      lo = Math.min(lo, c);
      hi = Math.max(hi, c);
    }
    assertTrue(lo >= -63 && hi <= 63, "codes in [" + lo + ", " + hi + "]");
    assertEquals(63, Math.max(-lo, hi)); // the range is actually used
  }

  @Test
  void rejectsBadInput() {
    assertThrows(
        OnnxqException.class,
        () ->
            WeightQuantizer.quantizePerChannel(
                new float[] {1f, Float.NaN}, new int[] {2}, 0, NARROW));
    assertThrows(
        IllegalArgumentException.class,
        () -> WeightQuantizer.quantizePerChannel(new float[] {1f, 2f}, new int[] {3}, 0, NARROW));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            WeightQuantizer.quantizePerChannel(
                new float[] {1f, 2f}, new int[] {2}, 0, IntRange.uint(8)));
  }

  @Test
  void unsignedEightBitCodesAboveOneHundredTwentySevenDequantizeToTheirValue() {
    // one channel [0, 2.55] on uint8: 2.55 -> code 255, held in a byte as -1
    float[] w = {0f, 1.28f, 2.55f};
    QuantizedWeight q =
        WeightQuantizer.quantizeWith(
            w,
            new int[] {3, 1},
            QuantParams.perChannel(new float[] {0.01f}, new int[] {0}, 1, IntRange.uint(8)));
    assertEquals(255, q.code(2));
    assertEquals(128, q.code(1));
    float[] d = q.dequantize();
    assertEquals(2.55f, d[2], 1e-6f);
    assertEquals(1.28f, d[1], 1e-6f);
  }
}
