package io.onnxq.calib.search;

import io.onnxq.quant.AdaLogQuantizer;
import io.onnxq.quant.IntRange;
import io.onnxq.quant.QuantParams;
import io.onnxq.quant.UniformQuantizer;
import java.util.stream.IntStream;

/**
 * Joint search of one Linear y = x W + b (W [in, out]): per-output-channel asymmetric uniform
 * weights and a per-tensor input quantizer (uniform, or AdaLog with shift for post-GELU inputs),
 * minimising the MSE of the layer output against FP32 on sampled rows. The bias cancels in that
 * error, so it is not an input.
 *
 * <p>Schedule (AdaLog linear.py): a first pass where both quantizers use their own tensor MSE (the
 * post-GELU input instead starts at q = 37 and the paper's initial scale), then {@code rounds}
 * alternations: weights then activations (post-GELU: activations then weights).
 *
 * <p>Speed. Weight candidates use the per-channel decomposition |X_hat w_hat - X w|^2 = w_hat^T A
 * w_hat - 2 w_hat^T g + |y|^2 with A = X_hat^T X_hat and g = X_hat^T y (one A and one G = X_hat^T Y
 * per round); w_hat = s * m with integer m, and v = A m is updated only for codes that changed from
 * the previous candidate (candidates come in ascending s), so most candidates cost O(in).
 * Activation candidates go through {@link OutputScorer}, which updates X_hat W incrementally on a
 * smaller row sample. Defaults ({@link Config#DEFAULT}): 1024 rows for the weight search (A, G),
 * 256 rows for a uniform and 128 rows for an AdaLog activation search. With them one DeiT-Tiny
 * block at W4A4 (qkv, proj, fc1, fc2) costs about 20 CPU-seconds, see DeitTinySearchBenchmark.
 */
public final class LinearSearch {

  public enum ActKind {
    UNIFORM,
    ADALOG_GELU
  }

  /**
   * @param weightRows rows used for A and G of the weight search
   * @param actRows rows used by a uniform activation search (and the reported output MSE)
   * @param logActRows rows used by an AdaLog activation search, which rebuilds X_hat W on every q
   *     switch (~180 per round) and so costs far more per row
   * @param rounds weight/activation alternations after the first pass
   */
  public record Config(int weightRows, int actRows, int logActRows, int rounds) {
    public static final Config DEFAULT = new Config(1024, 256, 128, 3);
  }

  private LinearSearch() {}

  public static LinearChoice search(
      float[] x, int rows, float[] w, int in, int out, int wBits, int aBits, ActKind kind) {
    return search(x, rows, w, in, out, wBits, aBits, kind, Config.DEFAULT);
  }

  /**
   * @param x sampled input rows [rows, in]
   * @param w weight [in, out]
   */
  public static LinearChoice search(
      float[] x,
      int rows,
      float[] w,
      int in,
      int out,
      int wBits,
      int aBits,
      ActKind kind,
      Config cfg) {
    if (x.length != rows * in || w.length != in * out) {
      throw new IllegalArgumentException(
          "x or w does not match rows=" + rows + ", in=" + in + ", out=" + out);
    }
    int rw = Math.min(rows, cfg.weightRows());
    int ra = Math.min(rows, kind == ActKind.UNIFORM ? cfg.actRows() : cfg.logActRows());
    float[] xw = Mat.sampleRows(x, rows, in, rw);
    float[] xa = Mat.sampleRows(x, rows, in, ra);
    float[] yw = Mat.matmul(xw, rw, in, w, out);
    float[] ya = Mat.matmul(xa, ra, in, w, out);
    float[][] cols = columns(w, in, out);
    IntRange wr = IntRange.uint(wBits);

    QuantParams wq = selfWeights(cols, wBits);
    ActivationChoice act;
    float h = AdaLogQuantizer.GELU_SHIFT;
    float[] bounds = null;
    if (kind == ActKind.UNIFORM) {
      UniformFpcs.Candidate c = UniformFpcs.search(x, aBits);
      act = UniformChoice.single(c.s(), c.z(), aBits);
    } else {
      bounds = AdaLogSearch.scaleBounds(x, h);
      act = new AdaLogChoice(aBits, AdaLogQuantizer.LOG2_Q, AdaLogSearch.initialScale(bounds), h);
    }
    for (int round = 0; round < cfg.rounds(); round++) {
      if (kind == ActKind.UNIFORM) {
        wq = searchWeights(xw, rw, yw, cols, in, out, wBits, act);
        act = searchUniformAct(x, xa, ra, ya, dequantize(w, in, out, wq), in, out, aBits);
      } else {
        act =
            searchGeluAct(
                xa, ra, ya, dequantize(w, in, out, wq), in, out, aBits, bounds, (AdaLogChoice) act);
        wq = searchWeights(xw, rw, yw, cols, in, out, wBits, act);
      }
    }
    return new LinearChoice(wq, act, outputMse(xa, ra, w, in, out, wq, act));
  }

  /**
   * Bias correction: the per-output-channel mean of (quantized output - FP32 output) over at most
   * {@code maxRows} rows of x, the quantized layer using the fake-quantized input and the
   * dequantized weights {@code wHat}. Subtracting it from the bias removes the systematic part of
   * the error (rounding is not zero-mean once clipping and asymmetric grids are involved).
   */
  public static float[] meanOutputError(
      float[] x,
      int rows,
      float[] w,
      float[] wHat,
      int in,
      int out,
      ActivationChoice act,
      int maxRows) {
    int r = Math.min(rows, maxRows);
    float[] xs = Mat.sampleRows(x, rows, in, r);
    return meanError(xs, Levels.fakeQuant(xs, act), r, w, wHat, in, out);
  }

  /** As above for a per-tensor input grid given as QDQ params (signed or unsigned). */
  public static float[] meanOutputError(
      float[] x, int rows, float[] w, float[] wHat, int in, int out, QuantParams act, int maxRows) {
    int r = Math.min(rows, maxRows);
    float[] xs = Mat.sampleRows(x, rows, in, r);
    return meanError(
        xs, Levels.fakeQuant(xs, act.scale(0), act.zeroPoint(0), act.range()), r, w, wHat, in, out);
  }

  private static float[] meanError(
      float[] xs, float[] xq, int r, float[] w, float[] wHat, int in, int out) {
    float[] yq = Mat.matmul(xq, r, in, wHat, out);
    float[] y = Mat.matmul(xs, r, in, w, out);
    double[] sum = new double[out];
    for (int i = 0; i < y.length; i++) {
      sum[i % out] += yq[i] - y[i];
    }
    float[] mean = new float[out];
    for (int o = 0; o < out; o++) {
      mean[o] = (float) (sum[o] / r);
    }
    return mean;
  }

  /** Output MSE of the quantized layer (fake-quant x and W) against FP32 on the given rows. */
  public static double outputMse(
      float[] x, int rows, float[] w, int in, int out, QuantParams weight, ActivationChoice act) {
    float[] y = Mat.matmul(x, rows, in, w, out);
    float[] yq =
        Mat.matmul(Levels.fakeQuant(x, act), rows, in, dequantize(w, in, out, weight), out);
    return Levels.mse(y, yq);
  }

  /** DQ(Q(W)) with per-output-channel params (axis 1 of [in, out]). */
  public static float[] dequantize(float[] w, int in, int out, QuantParams p) {
    float[] d = new float[w.length];
    for (int i = 0; i < in; i++) {
      for (int o = 0; o < out; o++) {
        d[i * out + o] =
            UniformQuantizer.fakeQuant(w[i * out + o], p.scale(o), p.zeroPoint(o), p.range());
      }
    }
    return d;
  }

  private static QuantParams selfWeights(float[][] cols, int bits) {
    UniformFpcs.Candidate[] best = new UniformFpcs.Candidate[cols.length];
    IntStream.range(0, cols.length)
        .parallel()
        .forEach(c -> best[c] = UniformFpcs.search(cols[c], bits));
    return params(best, bits);
  }

  private static QuantParams searchWeights(
      float[] xw,
      int rw,
      float[] yw,
      float[][] cols,
      int in,
      int out,
      int bits,
      ActivationChoice act) {
    float[] xh = Levels.fakeQuant(xw, act);
    float[] a32 = Mat.atb(xh, rw, in, xh, in);
    double[] a = new double[a32.length];
    for (int i = 0; i < a.length; i++) {
      a[i] = a32[i];
    }
    float[] g = Mat.atb(xh, rw, in, yw, out);
    UniformFpcs.Candidate[] best = new UniformFpcs.Candidate[out];
    IntStream.range(0, out)
        .parallel()
        .forEach(
            c -> {
              double[] gc = new double[in];
              for (int i = 0; i < in; i++) {
                gc[i] = g[i * out + c];
              }
              double yy = 0;
              for (int r = 0; r < rw; r++) {
                double v = yw[r * out + c];
                yy += v * v;
              }
              QuadScorer s = new QuadScorer(a, gc, yy, cols[c], IntRange.uint(bits), rw);
              best[c] = UniformFpcs.search(cols[c], bits, s::of);
            });
    return params(best, bits);
  }

  private static ActivationChoice searchUniformAct(
      float[] x, float[] xa, int ra, float[] ya, float[] wHat, int in, int out, int bits) {
    OutputScorer scorer =
        new OutputScorer(
            new float[][] {xa}, new float[][] {wHat}, new float[][] {ya}, ra, in, out, 0f);
    IntRange r = IntRange.uint(bits);
    UniformFpcs.Candidate c =
        UniformFpcs.search(x, bits, (s, z) -> scorer.score(s, Levels.uniform(s, z, r)));
    return UniformChoice.single(c.s(), c.z(), bits);
  }

  private static ActivationChoice searchGeluAct(
      float[] xa,
      int ra,
      float[] ya,
      float[] wHat,
      int in,
      int out,
      int bits,
      float[] bounds,
      AdaLogChoice cur) {
    OutputScorer scorer =
        new OutputScorer(
            new float[][] {xa}, new float[][] {wHat}, new float[][] {ya}, ra, in, out, cur.h());
    return AdaLogSearch.postGelu(
        bits, bounds, cur.h(), cur.s(), a -> scorer.score(a.scale(), Levels.adaLog(a)));
  }

  private static QuantParams params(UniformFpcs.Candidate[] best, int bits) {
    float[] s = new float[best.length];
    int[] z = new int[best.length];
    for (int c = 0; c < best.length; c++) {
      s[c] = best[c].s();
      z[c] = best[c].z();
    }
    return QuantParams.perChannel(s, z, 1, IntRange.uint(bits));
  }

  private static float[][] columns(float[] w, int in, int out) {
    float[][] cols = new float[out][in];
    for (int i = 0; i < in; i++) {
      for (int o = 0; o < out; o++) {
        cols[o][i] = w[i * out + o];
      }
    }
    return cols;
  }

  /**
   * Output MSE of one weight column for w_hat = s * m: (s^2 m^T A m - 2 s m.g + |y|^2) / rows, with
   * v = A m kept up to date incrementally (A is symmetric, so row i of A is column i).
   */
  static final class QuadScorer {
    private final double[] a;
    private final double[] g;
    private final double yy;
    private final float[] w;
    private final IntRange r;
    private final int rows;
    private final int n;
    private final int[] m;
    private final int[] mNew;
    private final double[] v;
    private boolean valid;

    QuadScorer(double[] a, double[] g, double yy, float[] w, IntRange r, int rows) {
      this.a = a;
      this.g = g;
      this.yy = yy;
      this.w = w;
      this.r = r;
      this.rows = rows;
      this.n = w.length;
      m = new int[n];
      mNew = new int[n];
      v = new double[n];
    }

    double of(float s, int z) {
      int changed = 0;
      for (int i = 0; i < n; i++) {
        mNew[i] = UniformQuantizer.quantize(w[i], s, z, r) - z;
        if (mNew[i] != m[i]) {
          changed++;
        }
      }
      // Both paths are axpy over rows of A (= columns, A symmetric), which the JIT vectorizes,
      // unlike a dot-product reduction. Rebuild when most codes moved: same cost, no drift.
      if (!valid || changed * 2 > n) {
        java.util.Arrays.fill(v, 0.0);
        for (int i = 0; i < n; i++) {
          if (mNew[i] != 0) {
            axpy(mNew[i], i);
          }
        }
        valid = true;
      } else if (changed > 0) {
        for (int i = 0; i < n; i++) {
          int d = mNew[i] - m[i];
          if (d != 0) {
            axpy(d, i);
          }
        }
      }
      System.arraycopy(mNew, 0, m, 0, n);
      double mam = 0;
      double mg = 0;
      for (int i = 0; i < n; i++) {
        mam += m[i] * v[i];
        mg += m[i] * g[i];
      }
      double loss = (double) s * s * mam - 2.0 * s * mg + yy;
      return Math.max(loss, 0.0) / rows;
    }

    private void axpy(double factor, int row) {
      int ao = row * n;
      for (int j = 0; j < n; j++) {
        v[j] += factor * a[ao + j];
      }
    }
  }
}
