package io.onnxq.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onnxq.proto.Onnx.TensorProto.DataType;
import io.onnxq.runtime.PtsLayerNorm;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
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

  /** sd of one row, computed as the kernel does (the body's shift search keys on it). */
  private static float rowSd(byte[] x, int off, int c, int zx, byte[] alpha) {
    long s1 = 0;
    long s2 = 0;
    for (int i = 0; i < c; i++) {
      long v = (long) ((x[off + i] & 0xFF) - zx) << alpha[i];
      s1 += v;
      s2 += v * v;
    }
    return (float) Math.sqrt(Math.max((float) (c * s2 - s1 * s1), 1.0f));
  }

  @Test
  void shiftAtEveryExponentBoundary() throws Exception {
    // |A| = |G| / sd at and one or two floats either side of 2^t for t in -27..10, i.e. across
    // every shift N, both clamps, and the points where floor(log2 |A|) changes
    Random rnd = new Random(26);
    int[] ts = IntStream.rangeClosed(-27, 10).toArray();
    int c = ts.length * 5 * 2;
    byte[] alpha = randomBytes(rnd, c, 0, 3);
    byte[] flat = new byte[c]; // xt == 1 everywhere: D = 0, sd = 1, A = G exactly
    Arrays.fill(flat, (byte) 101);
    byte[] oneOff = flat.clone(); // D = C - 1 (alpha 0): sd = sqrt(C - 1)
    oneOff[7] = 102;
    byte[] noise = randomBytes(rnd, c, 0, 255);
    byte[][] designs = {flat, oneOff, noise};
    byte[][] alphas = {new byte[c], new byte[c], alpha};
    for (int r = 0; r < designs.length; r++) {
      float sd = rowSd(designs[r], 0, c, 100, alphas[r]);
      float[] g = new float[c];
      float[] bt = new float[c];
      int i = 0;
      for (int t : ts) {
        for (int ulps = -2; ulps <= 2; ulps++) {
          for (float sign : new float[] {1f, -1f}) {
            float v = Math.scalb(sd, t);
            for (int j = 0; j < Math.abs(ulps); j++) {
              v = ulps < 0 ? Math.nextDown(v) : Math.nextUp(v);
            }
            g[i] = sign * v;
            bt[i] = (float) (3 * rnd.nextGaussian());
            i++;
          }
        }
      }
      byte[] x = new byte[3 * c];
      System.arraycopy(designs[r], 0, x, 0, c);
      System.arraycopy(flat, 0, x, c, c);
      System.arraycopy(noise, 0, x, 2 * c, c);
      check(x, new long[] {3, c}, 100, alphas[r], new PtsLayerNorm.Constants(g, bt), 128);
    }
  }

  @Test
  void constantsAtTheEmissionBounds() throws Exception {
    // |G| up to 2^40 and |Bt| up to 2^30: B = rint(u * 2^N) reaches ~2^61, past double's 2^53,
    // where only the output clamp must agree
    Random rnd = new Random(27);
    int c = 96;
    float[] g = new float[c];
    float[] bt = new float[c];
    for (int i = 0; i < c; i++) {
      float big = Math.nextDown(0x1p30f);
      bt[i] =
          switch (i % 4) {
            case 0 -> (rnd.nextBoolean() ? 1 : -1) * big;
            case 1 -> (float) (big * rnd.nextDouble() * (rnd.nextBoolean() ? 1 : -1));
            case 2 -> (float) Math.scalb(rnd.nextGaussian(), 22 + rnd.nextInt(8));
            default -> (float) (5 * rnd.nextGaussian());
          };
      g[i] =
          switch (i % 3) {
            case 0 -> (rnd.nextBoolean() ? 1 : -1) * Math.nextDown(0x1p40f);
            case 1 -> (float) Math.scalb(rnd.nextGaussian(), -30 + rnd.nextInt(70));
            default -> 1e-40f * rnd.nextInt(100); // subnormal: N clamps at 31
          };
    }
    PtsLayerNorm.Constants k = new PtsLayerNorm.Constants(g, bt);
    byte[] x = randomBytes(rnd, 150 * c, 0, 255);
    Arrays.fill(x, 0, c, (byte) 40); // a constant row: sd = 1
    for (int zx : new int[] {0, 128}) {
      check(x, new long[] {150, c}, zx, randomBytes(rnd, c, 0, 3), k, rnd.nextInt(256));
    }
  }

  @Test
  void widestChannelsAndLargestSpread() throws Exception {
    // C = 46,500 with |xt| = 2040: C * S2 is just below 2^53, the double sums' limit
    Random rnd = new Random(28);
    int c = PtsLayerNorm.MAX_CHANNELS;
    byte[] x = new byte[3 * c];
    for (int i = 0; i < c; i++) {
      x[i] = (byte) 255; // constant extreme row: D = 0
      x[c + i] = (byte) (i % 2 == 0 ? 0 : 255);
    }
    System.arraycopy(randomBytes(rnd, c, 0, 255), 0, x, 2 * c, c);
    byte[] alpha = new byte[c];
    Arrays.fill(alpha, (byte) 3);
    alpha[5] = 0;
    check(x, new long[] {3, c}, 0, alpha, randomConstants(rnd, c, 0.05f), 17);
  }
}
