package io.onnxq.calib.search;

import io.onnxq.quant.QuantParams;
import io.onnxq.quant.UniformQuantizer;
import java.util.stream.IntStream;

/**
 * Error-compensated weight rounding (GPTQ, Frantar et al. 2022) on a fixed per-output-channel grid.
 * Input rows of W are rounded one at a time; the rounding error of row i, weighted by the inverse
 * Hessian H^-1 of the layer loss |X_hat (W_hat - W)|^2 (H = X_hat^T X_hat), is pushed onto the rows
 * not yet rounded, so later rows absorb what earlier ones lost. The search has already chosen the
 * scales and zero points; only the rounding direction of each weight changes, so every returned
 * value stays on the grid and the graph stores it exactly.
 */
public final class GptqRounding {
  /** Dampening added to H's diagonal, as a fraction of its mean (keeps H^-1 well conditioned). */
  static final double DAMP = 0.01;

  private GptqRounding() {}

  /**
   * @param x input rows [rows, in] as the layer sees them
   * @param act the input quantizer (H is built from the quantized input)
   * @param w weight [in, out]
   * @param p per-output-channel grid (axis 1)
   * @return dequantized on-grid weights [in, out]
   */
  public static float[] round(
      float[] x, int rows, ActivationChoice act, float[] w, int in, int out, QuantParams p) {
    float[] xh = Levels.fakeQuant(x, act);
    float[] h32 = Mat.atb(xh, rows, in, xh, in);
    double[] h = new double[in * in];
    double mean = 0;
    for (int i = 0; i < in; i++) mean += h32[i * in + i];
    double damp = DAMP * Math.max(mean / in, 1e-12);
    for (int i = 0; i < h.length; i++) h[i] = h32[i];
    for (int i = 0; i < in; i++) h[i * in + i] += damp;
    double[] u = upperFactorOfInverse(h, in);

    double[] work = new double[in * out];
    for (int i = 0; i < work.length; i++) work[i] = w[i];
    float[] q = new float[in * out];
    double[] err = new double[out];
    for (int i = 0; i < in; i++) {
      double d = u[i * in + i];
      for (int o = 0; o < out; o++) {
        float v =
            UniformQuantizer.fakeQuant(
                (float) work[i * out + o], p.scale(o), p.zeroPoint(o), p.range());
        q[i * out + o] = v;
        err[o] = (work[i * out + o] - v) / d;
      }
      int row = i;
      IntStream.range(i + 1, in)
          .parallel()
          .forEach(
              j -> {
                double f = u[row * in + j];
                int off = j * out;
                for (int o = 0; o < out; o++) work[off + o] -= f * err[o];
              });
    }
    return q;
  }

  /**
   * U upper triangular with H^-1 = U^T U, via H = L L^T, H^-1 = L^-T L^-1, then Cholesky of H^-1.
   */
  private static double[] upperFactorOfInverse(double[] h, int n) {
    double[] l = cholesky(h, n);
    // inv(L) (lower), then H^-1 = inv(L)^T inv(L)
    double[] li = new double[n * n];
    for (int c = 0; c < n; c++) {
      li[c * n + c] = 1.0 / l[c * n + c];
      for (int r = c + 1; r < n; r++) {
        double s = 0;
        for (int k = c; k < r; k++) s += l[r * n + k] * li[k * n + c];
        li[r * n + c] = -s / l[r * n + r];
      }
    }
    double[] hinv = new double[n * n];
    IntStream.range(0, n)
        .parallel()
        .forEach(
            i -> {
              for (int j = 0; j <= i; j++) {
                double s = 0;
                for (int k = i; k < n; k++) s += li[k * n + i] * li[k * n + j];
                hinv[i * n + j] = s;
                hinv[j * n + i] = s;
              }
            });
    double[] lower = cholesky(hinv, n);
    double[] upper = new double[n * n];
    for (int r = 0; r < n; r++) {
      for (int c = 0; c <= r; c++) upper[c * n + r] = lower[r * n + c];
    }
    return upper;
  }

  /** Lower Cholesky factor of a symmetric positive definite matrix. */
  private static double[] cholesky(double[] a, int n) {
    double[] l = new double[n * n];
    for (int j = 0; j < n; j++) {
      double s = a[j * n + j];
      for (int k = 0; k < j; k++) s -= l[j * n + k] * l[j * n + k];
      if (!(s > 0)) throw new ArithmeticException("matrix is not positive definite at " + j);
      double d = Math.sqrt(s);
      l[j * n + j] = d;
      int col = j;
      IntStream.range(j + 1, n)
          .parallel()
          .forEach(
              i -> {
                double t = a[i * n + col];
                for (int k = 0; k < col; k++) t -= l[i * n + k] * l[col * n + k];
                l[i * n + col] = t / d;
              });
    }
    return l;
  }
}
