package io.onnxq.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.onnxq.proto.Onnx.TensorProto.DataType;
import io.onnxq.runtime.LogIntAttnMatMul;
import io.onnxq.runtime.LogIntSoftmax;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The ORT-run function body must equal the Java kernel exactly. */
class LogIntAttnMatMulOpTest {

  private static final LogIntAttnMatMulOp OP = new LogIntAttnMatMulOp();

  /** Compares body and kernel; V may have fewer leading dims (broadcast), given as vBatch = 1. */
  private static int[] check(byte[] k, long[] kShape, byte[] v, long[] vShape, int zv)
      throws Exception {
    int r = kShape.length;
    int m = (int) kShape[r - 2];
    int n = (int) kShape[r - 1];
    int d = (int) vShape[vShape.length - 1];
    int batch = k.length / (m * n);
    byte[] vFull = v;
    if (v.length != batch * n * d) { // broadcast V over the leading dims for the kernel
      vFull = new byte[batch * n * d];
      for (int b = 0; b < batch; b++) {
        System.arraycopy(v, 0, vFull, b * n * d, n * d);
      }
    }
    int[] expected = LogIntAttnMatMul.apply(k, vFull, batch, m, n, d, zv);
    for (boolean constant : new boolean[] {true, false}) {
      List<OrtHarness.Value> ins =
          List.of(
              OrtHarness.u8("K", kShape, k, false),
              OrtHarness.u8("V", vShape, v, false),
              OrtHarness.u8Scalar("zv", zv, constant));
      for (Map<String, byte[]> out :
          OrtHarness.runAllLevels(OP, ins, Map.of("ACC", DataType.INT32))) {
        assertArrayEquals(
            expected, OrtHarness.asInts(out.get("ACC")), "zv=" + zv + " constant=" + constant);
      }
    }
    return expected;
  }

  private static byte[] random(Random rnd, int len, int bound) {
    byte[] x = new byte[len];
    for (int i = 0; i < len; i++) {
      x[i] = (byte) rnd.nextInt(bound);
    }
    return x;
  }

  @Test
  void randomCodesDeitTinyShapes() throws Exception {
    Random rnd = new Random(11);
    int n = 197;
    int d = 64;
    check(
        random(rnd, 2 * 3 * n * n, 17),
        new long[] {2, 3, n, n},
        random(rnd, 2 * 3 * n * d, 256),
        new long[] {2, 3, n, d},
        rnd.nextInt(256));
  }

  @Test
  void codesFromLogIntSoftmax() throws Exception {
    Random rnd = new Random(12);
    int n = 197;
    int d = 64;
    byte[] logits = random(rnd, 3 * n * n, 256);
    byte[] k = LogIntSoftmax.apply(logits, 3 * n, n, 128, LogIntSoftmax.Constants.forScale(0.06f));
    check(k, new long[] {1, 3, n, n}, random(rnd, 3 * n * d, 256), new long[] {1, 3, n, d}, 3);
  }

  @Test
  void maskedAndOutOfRangeCodesContributeNothing() throws Exception {
    int n = 9;
    int d = 4;
    byte[] k = new byte[n * n];
    Arrays.fill(k, (byte) 16);
    k[2] = 0;
    k[3] = (byte) 17;
    k[4] = (byte) 255;
    k[n + 1] = 15;
    byte[] v = new byte[n * d];
    Arrays.fill(v, (byte) 200);
    int[] acc = check(k, new long[] {1, 1, n, n}, v, new long[] {1, 1, n, d}, 100);
    assertEquals(32768 * 100, acc[0]);
    assertEquals(100, acc[d]); // code 15 -> weight 1
    assertEquals(0, acc[2 * d]);
  }

  @Test
  void saturatedValuesAndLargestWeights() throws Exception {
    Random rnd = new Random(13);
    int n = 197;
    int d = 16;
    byte[] v = new byte[2 * n * d];
    for (int i = 0; i < v.length; i++) {
      v[i] = (byte) (rnd.nextBoolean() ? 0 : 255);
    }
    byte[] zeros =
        new byte[2 * n * n]; // every weight 2^15: the worst case for the int32 accumulator
    for (int zv : new int[] {0, 255}) {
      check(zeros, new long[] {2, 1, n, n}, v, new long[] {2, 1, n, d}, zv);
      check(random(rnd, 2 * n * n, 17), new long[] {2, 1, n, n}, v, new long[] {2, 1, n, d}, zv);
    }
  }

  @Test
  void broadcastsLeadingDims() throws Exception {
    Random rnd = new Random(14);
    check(
        random(rnd, 2 * 3 * 5 * 7, 17),
        new long[] {2, 3, 5, 7},
        random(rnd, 7 * 4, 256),
        new long[] {7, 4},
        77);
  }

  @Test
  void everyCodeSplitsIntoItsBytesExactly() throws Exception {
    // row i uses code i everywhere: all 256 codes go through the hi/lo byte split
    Random rnd = new Random(15);
    int m = 256;
    int n = 8;
    int d = 5;
    byte[] k = new byte[m * n];
    for (int i = 0; i < m; i++) {
      Arrays.fill(k, i * n, (i + 1) * n, (byte) i);
    }
    for (int zv : new int[] {0, 255, rnd.nextInt(256)}) {
      int[] acc = check(k, new long[] {1, m, n}, random(rnd, n * d, 256), new long[] {n, d}, zv);
      assertEquals(0, acc[16 * d]); // masked
    }
  }

  @Test
  void largestWeightsAtTheInt32Limit() throws Exception {
    // all codes 0 (weight 2^15) with |V - zv| = 255: N = 257 is the largest N whose sum fits
    // int32 (257 * 255 * 2^15 = 2^31 - 32768); past it the kernel's int32 accumulator wraps, and
    // the body (two exact byte products combined in int32) wraps identically
    int d = 8;
    for (int n : new int[] {257, 1024}) {
      byte[] zeros = new byte[2 * n];
      byte[] full = new byte[n * d];
      Arrays.fill(full, (byte) 255);
      byte[] empty = new byte[n * d];
      int[] acc = check(zeros, new long[] {2, n}, full, new long[] {n, d}, 0);
      assertEquals((int) ((long) n * 255 << 15), acc[0]);
      check(zeros, new long[] {2, n}, empty, new long[] {n, d}, 255);
    }
  }

  @Test
  void codesFromLogIntSoftmaxAtLargeN() throws Exception {
    Random rnd = new Random(16);
    int n = 577; // ViT at 384 px
    int d = 16;
    byte[] logits = random(rnd, n * n, 256);
    byte[] k = LogIntSoftmax.apply(logits, n, n, 200, LogIntSoftmax.Constants.forScale(0.02f));
    check(k, new long[] {1, n, n}, random(rnd, n * d, 256), new long[] {1, n, d}, 0);
  }
}
