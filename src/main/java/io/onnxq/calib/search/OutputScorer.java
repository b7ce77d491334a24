package io.onnxq.calib.search;

import java.util.stream.IntStream;

/**
 * Output MSE of X_hat W against a target Y, summed over segments that share shapes (one segment for
 * a Linear, one per image/head for attention), where X_hat = s * m(X) - h for a candidate
 * activation quantizer and W is fixed.
 *
 * <p>Why incremental: with m integer-like levels that do not depend on s (uniform: q - z; AdaLog:
 * the s = 1 table), the loss is s^2 |Z|^2 - 2 s <Z, Y'> + |Y'|^2 with Z = m W and Y' = Y + h 1
 * colsum(W). Candidates scored in ascending s change few levels, so Z is updated only for changed
 * entries (O(out) each) and per-row |Z_r|^2, <Z_r, Y'_r> only for changed rows: a whole FPCS round
 * costs a few matmuls instead of one per candidate. A row is rebuilt from scratch when most of it
 * changed, which also bounds rounding drift.
 */
final class OutputScorer {

  /** Levels m of x[off..off+len) into m[mOff..]; must be pure (called from several threads). */
  interface Mapper {
    void map(float[] x, int off, float[] m, int mOff, int len);
  }

  private static final int BLOCK_ROWS = 8;
  private static final long PARALLEL_ENTRIES = 1 << 15;

  private final int rows;
  private final int in;
  private final int out;
  private final int totalRows;
  private final float[][] x;
  private final float[][] w;
  private final double[] y; // Y' for all segments, [totalRows, out]
  private final float[] m;
  private final float[] mNew;
  private final double[] z;
  private final double[] zz;
  private final double[] zy;
  private final double yy;
  private boolean valid;

  /**
   * @param x per segment [rows, in]
   * @param w per segment [in, out] (may be the same array for all)
   * @param target per segment [rows, out], the FP32 output
   * @param h shift subtracted from every dequantized value (0 for plain quantizers)
   */
  OutputScorer(float[][] x, float[][] w, float[][] target, int rows, int in, int out, float h) {
    this.rows = rows;
    this.in = in;
    this.out = out;
    this.x = x;
    this.w = w;
    this.totalRows = x.length * rows;
    y = new double[totalRows * out];
    double sum = 0;
    for (int seg = 0; seg < x.length; seg++) {
      double[] colSum = new double[out];
      if (h != 0f) {
        for (int i = 0; i < in; i++) {
          for (int o = 0; o < out; o++) {
            colSum[o] += w[seg][i * out + o];
          }
        }
      }
      for (int r = 0; r < rows; r++) {
        for (int o = 0; o < out; o++) {
          double v = target[seg][r * out + o] + h * colSum[o];
          y[(seg * rows + r) * out + o] = v;
          sum += v * v;
        }
      }
    }
    yy = sum;
    m = new float[totalRows * in];
    mNew = new float[totalRows * in];
    z = new double[totalRows * out];
    zz = new double[totalRows];
    zy = new double[totalRows];
  }

  /** Mean squared output error for X_hat = s * levels - h. */
  double score(float s, Mapper f) {
    int blocks = (totalRows + BLOCK_ROWS - 1) / BLOCK_ROWS;
    boolean fresh = !valid;
    IntStream range = IntStream.range(0, blocks);
    if ((long) totalRows * in >= PARALLEL_ENTRIES) {
      range = range.parallel(); // small per-head problems are already run in parallel by the caller
    }
    range.forEach(
        b -> {
          for (int r = b * BLOCK_ROWS, end = Math.min(totalRows, r + BLOCK_ROWS); r < end; r++) {
            updateRow(r, f, fresh);
          }
        });
    valid = true;
    double sZZ = 0;
    double sZY = 0;
    for (int r = 0; r < totalRows; r++) {
      sZZ += zz[r];
      sZY += zy[r];
    }
    double loss = (double) s * s * sZZ - 2.0 * s * sZY + yy;
    return Math.max(loss, 0.0) / ((double) totalRows * out);
  }

  private void updateRow(int r, Mapper f, boolean fresh) {
    int seg = r / rows;
    int xo = (r - seg * rows) * in;
    int mo = r * in;
    f.map(x[seg], xo, mNew, mo, in);
    int changed = 0;
    for (int i = 0; i < in; i++) {
      if (mNew[mo + i] != m[mo + i]) {
        changed++;
      }
    }
    if (changed == 0 && !fresh) {
      return;
    }
    float[] ws = w[seg];
    int zo = r * out;
    if (fresh || changed * 2 > in) {
      // Rebuild in float: twice the SIMD width of double, and a rebuild happens for every AdaLog q
      // switch; ~1e-6 relative error is far below the loss differences that matter at 3-8 bits.
      float[] acc = new float[out];
      for (int i = 0; i < in; i++) {
        float mv = mNew[mo + i];
        if (mv != 0f) {
          int wo = i * out;
          for (int o = 0; o < out; o++) {
            acc[o] += mv * ws[wo + o];
          }
        }
      }
      for (int o = 0; o < out; o++) {
        z[zo + o] = acc[o];
      }
    } else {
      for (int i = 0; i < in; i++) {
        double d = (double) mNew[mo + i] - m[mo + i];
        if (d != 0) {
          addRow(ws, i, d, zo);
        }
      }
    }
    System.arraycopy(mNew, mo, m, mo, in);
    double a = 0;
    double b = 0;
    for (int o = 0; o < out; o++) {
      double zv = z[zo + o];
      a += zv * zv;
      b += zv * y[zo + o];
    }
    zz[r] = a;
    zy[r] = b;
  }

  private void addRow(float[] ws, int i, double factor, int zo) {
    int wo = i * out;
    for (int o = 0; o < out; o++) {
      z[zo + o] += factor * ws[wo + o];
    }
  }
}
