package io.onnxq.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onnxq.proto.Onnx.TensorProto.DataType;
import io.onnxq.runtime.PtsLayerNorm;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The ORT-run function body must equal the Java kernel exactly. */
class PtsLayerNormOpTest {

  private static final PtsLayerNormOp OP = new PtsLayerNormOp();

  private static byte[] check(
      byte[] x, long[] shape, int zx, byte[] alpha, PtsLayerNorm.Constants k, int zy)
      throws Exception {
    int c = alpha.length;
    byte[] expected = PtsLayerNorm.apply(x, x.length / c, c, zx, alpha, k, zy);
    long[] cs = {c};
    for (boolean constant : new boolean[] {true, false}) {
      List<OrtHarness.Value> ins =
          List.of(
              OrtHarness.u8("X", shape, x, false),
              OrtHarness.u8Scalar("zx", zx, constant),
              OrtHarness.u8("alpha", cs, alpha, constant),
              OrtHarness.f32("G", cs, k.g(), constant),
              OrtHarness.f32("Bt", cs, k.bt(), constant),
              OrtHarness.u8Scalar("zy", zy, constant));
      for (Map<String, byte[]> out :
          OrtHarness.runAllLevels(OP, ins, Map.of("Y", DataType.UINT8))) {
        assertArrayEquals(
            expected, out.get("Y"), "zx=" + zx + " zy=" + zy + " constant=" + constant);
      }
    }
    return expected;
  }

  static byte[] randomBytes(Random rnd, int len, int lo, int hi) {
    byte[] x = new byte[len];
    for (int i = 0; i < len; i++) {
      x[i] = (byte) (lo + rnd.nextInt(hi - lo + 1));
    }
    return x;
  }

  static PtsLayerNorm.Constants randomConstants(Random rnd, int c, float sOut) {
    float[] gamma = new float[c];
    float[] beta = new float[c];
    for (int i = 0; i < c; i++) {
      gamma[i] = (float) (1 + 0.5 * rnd.nextGaussian());
      beta[i] = (float) (0.3 * rnd.nextGaussian());
    }
    return PtsLayerNorm.Constants.of(gamma, beta, sOut);
  }

  @Test
  void randomDeitTinyRows() throws Exception {
    Random rnd = new Random(21);
    int c = 192;
    for (float sOut : new float[] {0.01f, 0.03f, 0.1f}) {
      byte[] alpha = randomBytes(rnd, c, 0, 3);
      check(
          randomBytes(rnd, 2 * 197 * c, 0, 255),
          new long[] {2, 197, c},
          rnd.nextInt(256),
          alpha,
          randomConstants(rnd, c, sOut),
          rnd.nextInt(256));
    }
  }

  @Test
  void narrowInputsAndWideChannels() throws Exception {
    Random rnd = new Random(22);
    int c = 768;
    byte[] alpha = randomBytes(rnd, c, 0, 3);
    check(
        randomBytes(rnd, 50 * c, 120, 136),
        new long[] {50, c},
        128,
        alpha,
        randomConstants(rnd, c, 0.02f),
        128);
  }

  @Test
  void zeroVarianceRowsGiveBeta() throws Exception {
    Random rnd = new Random(23);
    int c = 192;
    PtsLayerNorm.Constants k = randomConstants(rnd, c, 0.02f);
    byte[] x = new byte[3 * c];
    Arrays.fill(x, 0, c, (byte) 90); // == zx: xt = 0 whatever alpha
    Arrays.fill(x, c, 2 * c, (byte) 0);
    Arrays.fill(x, 2 * c, 3 * c, (byte) 255);
    byte[] noAlpha = new byte[c]; // constant X with equal alpha: constant xt
    byte[] y = check(x, new long[] {3, c}, 90, noAlpha, k, 128);
    check(x, new long[] {3, c}, 90, randomBytes(rnd, c, 0, 3), k, 128);
    for (int i = 0; i < c; i++) {
      long beta = Math.max(0, Math.min(255, Math.round(k.bt()[i]) + 128));
      assertTrue(Math.abs((y[i] & 0xFF) - beta) <= 1, "channel " + i);
    }
  }

  @Test
  void outputSaturatesAtBothEnds() throws Exception {
    Random rnd = new Random(24);
    int c = 192;
    PtsLayerNorm.Constants k = randomConstants(rnd, c, 0.004f); // small s_out: |y| well beyond 127
    byte[] y =
        check(
            randomBytes(rnd, 100 * c, 0, 255),
            new long[] {100, c},
            128,
            randomBytes(rnd, c, 0, 3),
            k,
            128);
    boolean lo = false;
    boolean hi = false;
    for (byte b : y) {
      lo |= b == 0;
      hi |= b == (byte) 255;
    }
    assertTrue(lo && hi, "expected saturation at 0 and 255");
  }

  @Test
  void saturatedInputsAndExtremeFactors() throws Exception {
    Random rnd = new Random(25);
    int c = 64;
    float[] g = new float[c];
    float[] bt = new float[c];
    for (int i = 0; i < c; i++) {
      bt[i] = (float) (50 * rnd.nextGaussian());
      switch (i % 8) {
        case 0 -> g[i] = 0f;
        case 1 -> g[i] = -0f;
        case 2 -> g[i] = 1e-12f; // |A| below 2^-24: shift clamps at 31
        case 3 -> g[i] = 3e6f; // |A| above 2^8: shift 0, M clamps at 255
        case 4 -> g[i] = -(float) Math.scalb(1.0, rnd.nextInt(30) - 10); // powers of two
        default -> g[i] = (float) (c * rnd.nextGaussian());
      }
    }
    PtsLayerNorm.Constants k = new PtsLayerNorm.Constants(g, bt);
    byte[] x = new byte[200 * c];
    for (int i = 0; i < x.length; i++) {
      x[i] = (byte) (rnd.nextBoolean() ? 0 : 255);
    }
    for (int zx : new int[] {0, 255}) {
      check(x, new long[] {200, c}, zx, randomBytes(rnd, c, 0, 3), k, rnd.nextInt(256));
    }
    // rows where the spread is exactly one quantum in a single channel
    byte[] x1 = new byte[c * c];
    Arrays.fill(x1, (byte) 10);
    for (int r = 0; r < c; r++) {
      x1[r * c + r] = 11;
    }
    check(x1, new long[] {c, c}, 10, new byte[c], k, 0);
  }
}
