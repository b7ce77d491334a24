package io.onnxq.calib.search;

import java.util.stream.IntStream;

/** Small dense float kernels for the searches: row-major, i-k-j order, parallel over row blocks. */
public final class Mat {
  /** Below this many multiply-adds a parallel split costs more than it saves. */
  private static final long PARALLEL_WORK = 1L << 18;

  private static final int BLOCK_ROWS = 16;

  private Mat() {}

  /** a [m, k] times b [k, n]. */
  public static float[] matmul(float[] a, int m, int k, float[] b, int n) {
    float[] c = new float[m * n];
    int blocks = (m + BLOCK_ROWS - 1) / BLOCK_ROWS;
    IntStream range = IntStream.range(0, blocks);
    if ((long) m * k * n >= PARALLEL_WORK) {
      range = range.parallel();
    }
    range.forEach(
        blk -> {
          for (int i = blk * BLOCK_ROWS, end = Math.min(m, i + BLOCK_ROWS); i < end; i++) {
            int ci = i * n;
            for (int p = 0; p < k; p++) {
              float av = a[i * k + p];
              if (av == 0f) {
                continue; // post-GELU / softmax codes are often exactly zero
              }
              int bp = p * n;
              for (int j = 0; j < n; j++) {
                c[ci + j] += av * b[bp + j];
              }
            }
          }
        });
    return c;
  }

  public static float[] transpose(float[] a, int r, int c) {
    float[] t = new float[a.length];
    for (int i = 0; i < r; i++) {
      for (int j = 0; j < c; j++) {
        t[j * r + i] = a[i * c + j];
      }
    }
    return t;
  }

  /** a^T b for a [rows, n], b [rows, m]: [n, m]. */
  static float[] atb(float[] a, int rows, int n, float[] b, int m) {
    return matmul(transpose(a, rows, n), n, rows, b, m);
  }

  /** Evenly strided rows (all of them when rows <= max). */
  public static float[] sampleRows(float[] x, int rows, int cols, int max) {
    if (rows <= max) {
      return x;
    }
    float[] out = new float[max * cols];
    for (int i = 0; i < max; i++) {
      System.arraycopy(x, (int) ((long) i * rows / max) * cols, out, i * cols, cols);
    }
    return out;
  }

  /** The same evenly spaced {@code keep} rows of every segment [segments, rows, cols]. */
  public static float[] sampleSegmentRows(float[] x, int segments, int rows, int cols, int keep) {
    float[] out = new float[segments * keep * cols];
    for (int sg = 0; sg < segments; sg++) {
      float[] seg = java.util.Arrays.copyOfRange(x, sg * rows * cols, (sg + 1) * rows * cols);
      System.arraycopy(sampleRows(seg, rows, cols, keep), 0, out, sg * keep * cols, keep * cols);
    }
    return out;
  }

  static float[] slice(float[] x, int seg, int len) {
    float[] out = new float[len];
    System.arraycopy(x, seg * len, out, 0, len);
    return out;
  }
}
