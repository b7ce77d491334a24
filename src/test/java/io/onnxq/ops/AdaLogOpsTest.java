package io.onnxq.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onnxq.proto.Onnx.TensorProto.DataType;
import io.onnxq.quant.AdaLogQuantizer;
import io.onnxq.runtime.AdaLogDequantizeKernel;
import io.onnxq.runtime.AdaLogQuantizeKernel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** AdaLogQuantize(16) / AdaLogDequantize bodies run in ORT must equal the Java kernels exactly. */
class AdaLogOpsTest {

  private static final long[] SHAPE = {3, 7, 64};

  /**
   * Random activations plus every edge case: signs, zeros, > s, tiny, subnormal, NaN, inf, t
   * exactly 0 or on a threshold.
   */
  private static float[] inputs(Random rnd, AdaLogQuantizer a) {
    float[] x = new float[(int) (SHAPE[0] * SHAPE[1] * SHAPE[2])];
    float[] thr = a.thresholds();
    float[] special = {
      0f,
      -0f,
      -a.shift(),
      Float.NaN,
      Float.POSITIVE_INFINITY,
      Float.NEGATIVE_INFINITY,
      Float.MIN_VALUE,
      1e-40f,
      1e-30f,
      -1e-30f,
      a.scale(),
      3 * a.scale(),
      1e30f,
      -5f,
      Float.MAX_VALUE
    };
    for (int i = 0; i < x.length; i++) {
      float v;
      switch (i % 6) {
        case 0 -> v = special[rnd.nextInt(special.length)];
        case 1 ->
            v = thr[rnd.nextInt(thr.length)] * a.scale() - a.shift(); // on or next to a threshold
        case 2 -> v = Math.nextUp(thr[rnd.nextInt(thr.length)]);
        case 3 ->
            v =
                (float) (a.scale() * Math.pow(2, -rnd.nextDouble() * 30))
                    - a.shift(); // log-uniform
        default -> v = (float) (rnd.nextGaussian() * a.scale());
      }
      x[i] = v;
    }
    return x;
  }

  private static int[] quantize(AdaLogQuantizeOp op, AdaLogQuantizer a, float[] x)
      throws Exception {
    int[] expected = AdaLogQuantizeKernel.apply(x, a);
    for (int i = 0; i < x.length; i++) {
      assertEquals(a.quantize(x[i]), expected[i], "kernel vs quantizer at x=" + x[i]);
    }
    for (boolean constant : new boolean[] {true, false}) {
      List<OrtHarness.Value> ins =
          List.of(
              OrtHarness.f32("X", SHAPE, x, false),
              OrtHarness.f32("h", new long[0], new float[] {a.shift()}, constant),
              OrtHarness.f32("s", new long[0], new float[] {a.scale()}, constant),
              OrtHarness.f32("thresholds", new long[] {a.levels()}, a.thresholds(), constant));
      for (Map<String, byte[]> out : OrtHarness.runAllLevels(op, ins, Map.of("K", op.carrier()))) {
        assertArrayEquals(
            expected,
            codes(out.get("K"), op.carrier()),
            a + " via " + op.name() + " constant=" + constant);
      }
    }
    return expected;
  }

  private static int[] codes(byte[] raw, DataType carrier) {
    if (carrier == DataType.UINT8) {
      int[] k = new int[raw.length];
      for (int i = 0; i < k.length; i++) {
        k[i] = raw[i] & 0xff;
      }
      return k;
    }
    int[] k = new int[raw.length / 2];
    ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < k.length; i++) {
      k[i] = b.getShort() & 0xffff;
    }
    return k;
  }

  private static void quantizeAndCheckSpread(AdaLogQuantizer a, long seed) throws Exception {
    int[] k = quantize(AdaLogQuantizeOp.forBits(a.bits()), a, inputs(new Random(seed), a));
    Set<Integer> seen = new HashSet<>();
    for (int c : k) {
      seen.add(c);
    }
    // guard against a vacuous comparison: masked, 0 and many codes between must occur
    assertTrue(seen.contains(a.masked()) && seen.contains(0), a + " codes " + seen);
    assertTrue(seen.size() >= Math.min(a.levels(), 8), a + " codes " + seen);
  }

  @Test
  void postSoftmax() throws Exception {
    long seed = 1;
    for (int bits : new int[] {3, 4, 6, 8}) {
      for (int q :
          new int[] {
            AdaLogQuantizer.MIN_Q, 23, AdaLogQuantizer.LOG2_Q, 61, AdaLogQuantizer.MAX_Q
          }) {
        quantizeAndCheckSpread(AdaLogQuantizer.postSoftmax(bits, q), seed++);
      }
    }
  }

  @Test
  void postGelu() throws Exception {
    long seed = 100;
    for (int bits : new int[] {3, 4, 6, 8}) {
      for (float s : new float[] {0.37f, 2.5f, 11f}) {
        for (int q : new int[] {17, AdaLogQuantizer.LOG2_Q, 90}) {
          quantizeAndCheckSpread(AdaLogQuantizer.postGelu(bits, s, q), seed++);
        }
      }
    }
  }

  @Test
  void wideCarrierAlsoServesNarrowWidths() throws Exception {
    AdaLogQuantizer a = AdaLogQuantizer.postGelu(4, 1.3f, 29);
    assertArrayEquals(
        quantize(AdaLogQuantizeOp.U8, a, inputs(new Random(5), a)),
        quantize(AdaLogQuantizeOp.U16, a, inputs(new Random(5), a)));
    assertEquals(AdaLogQuantizeOp.U8, AdaLogQuantizeOp.forBits(7));
    assertEquals(AdaLogQuantizeOp.U16, AdaLogQuantizeOp.forBits(8));
  }

  private static void dequantize(int[] k, float[] table, DataType carrier, boolean constantK)
      throws Exception {
    float[] expected = AdaLogDequantizeKernel.apply(k, table);
    OrtHarness.Value kv;
    if (carrier == DataType.UINT8) {
      byte[] b = new byte[k.length];
      for (int i = 0; i < k.length; i++) {
        b[i] = (byte) k[i];
      }
      kv = OrtHarness.u8("K", SHAPE, b, constantK);
    } else {
      kv = OrtHarness.u16("K", SHAPE, k, true);
    }
    for (boolean constant : new boolean[] {true, false}) {
      List<OrtHarness.Value> ins =
          List.of(kv, OrtHarness.f32("table", new long[] {table.length}, table, constant));
      for (Map<String, byte[]> out :
          OrtHarness.runAllLevels(new AdaLogDequantizeOp(), ins, Map.of("Y", DataType.FLOAT))) {
        ByteBuffer y = ByteBuffer.wrap(out.get("Y")).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < expected.length; i++) {
          assertEquals(
              Float.floatToIntBits(expected[i]),
              Float.floatToIntBits(y.getFloat()),
              "code " + k[i]);
        }
      }
    }
  }

  @Test
  void dequantizeBothTablesBothCarriers() throws Exception {
    Random rnd = new Random(9);
    for (int bits : new int[] {3, 4, 6, 8}) {
      for (AdaLogQuantizer a :
          List.of(
              AdaLogQuantizer.postSoftmax(bits, 41), AdaLogQuantizer.postGelu(bits, 3.1f, 55))) {
        int[] k = new int[(int) (SHAPE[0] * SHAPE[1] * SHAPE[2])];
        for (int i = 0; i < k.length; i++) {
          k[i] = rnd.nextInt(a.masked() + 1);
        }
        k[0] = a.masked();
        for (float[] table : List.of(a.table(), a.tableUnshifted())) {
          if (bits <= 7) {
            dequantize(k, table, DataType.UINT8, false);
          }
          dequantize(k, table, DataType.UINT16, true);
        }
      }
    }
  }
}
