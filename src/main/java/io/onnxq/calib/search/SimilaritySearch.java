package io.onnxq.calib.search;

import io.onnxq.quant.IntRange;
import io.onnxq.quant.QuantParams;
import io.onnxq.quant.UniformQuantizer;
import java.util.stream.IntStream;

/**
 * Similarity-aware search of one linear y = x W (Liu et al. 2021): the weight and input scales that
 * maximise the mean per-sample Pearson correlation between the FP32 output and the quantized one.
 * Each scale is a factor alpha on a max-based grid ({@link SimilarityGrid}), chosen from {@code
 * candidates} values spaced linearly over [lo, hi]; the search alternates (weights with the input
 * fixed, then the input with the weights fixed) until a round no longer improves the objective or
 * after {@code maxRounds} rounds.
 *
 * <p>Speed. Pearson does not see a common positive scale, so a candidate is scored on the integer
 * code product Z = m(X) * (s_W m(W)) alone (s_W the per-column base scale: 1 for one per-tensor
 * grid). Candidates come in ascending alpha, so few codes change from one to the next; Z is updated
 * for the changed codes only (one row or column of length rows or out each) and the per-sample sums
 * are recomputed from Z. A sweep over 100 candidates then costs a few matmuls instead of 100.
 */
public final class SimilaritySearch {

  /**
   * @param candidates grid points in [lo, hi] (the paper leaves their number open)
   * @param maxRounds alternations at most (20 in the paper)
   */
  public record Config(int candidates, int maxRounds, double lo, double hi) {
    public static final Config DEFAULT = new Config(100, 20, 0.5, 1.2);

    public double alpha(int i) {
      return lo + (hi - lo) * i / (candidates - 1);
    }

    /** The candidate nearest the max-based grid itself (alpha = 1). */
    int nearestOne() {
      return (int) Math.round((1.0 - lo) / (hi - lo) * (candidates - 1));
    }
  }

  /**
   * @param weight chosen weight grid
   * @param input chosen input grid
   * @param similarity mean per-sample Pearson correlation at the choice
   * @param rounds alternations run
   */
  public record Result(QuantParams weight, QuantParams input, double similarity, int rounds) {}

  private SimilaritySearch() {}

  /**
   * @param x input rows [rows, in], {@code rows / samples} consecutive rows per sample
   * @param w weight [in, out]
   * @param fixedInput when not null, the input grid is kept and only the weight scale is searched
   *     (a second linear reading the same tensor)
   */
  public static Result linear(
      float[] x,
      int rows,
      int samples,
      float[] w,
      int in,
      int out,
      QuantParams weightBase,
      QuantParams inputBase,
      QuantParams fixedInput,
      Config cfg) {
    if (x.length != rows * in || w.length != in * out || rows % samples != 0) {
      throw new IllegalArgumentException(
          "x or w does not match rows=" + rows + ", in=" + in + ", out=" + out);
    }
    State st = new State(x, rows, samples, w, in, out, weightBase);
    int wi = cfg.nearestOne();
    int xi = cfg.nearestOne();
    QuantParams input = fixedInput != null ? fixedInput : SimilarityGrid.scaled(inputBase, 1.0);
    st.setInput(input);
    double best = Double.NEGATIVE_INFINITY;
    int rounds = 0;
    while (rounds < cfg.maxRounds()) {
      rounds++;
      Sweep ws = st.sweepWeights(cfg);
      wi = ws.index();
      st.setWeights(cfg.alpha(wi));
      double score = ws.score();
      if (fixedInput == null) {
        Sweep xs = st.sweepInput(inputBase, cfg);
        xi = xs.index();
        input = SimilarityGrid.scaled(inputBase, cfg.alpha(xi));
        st.setInput(input);
        score = xs.score();
      }
      boolean improved = score > best + 1e-7;
      best = Math.max(best, score);
      if (!improved || fixedInput != null) break;
    }
    return new Result(SimilarityGrid.scaled(weightBase, cfg.alpha(wi)), input, best, rounds);
  }

  private record Sweep(int index, double score) {}

  /** Codes, their product and the FP32 target of one search. */
  private static final class State {
    private static final int BLOCK = 16;
    private final int rows;
    private final int samples;
    private final int per;
    private final int in;
    private final int out;
    private final float[] x;
    private final float[] wT; // [out, in]
    private final float[] yT; // [out, rows]
    private final float[] y; // [rows, out]
    private final QuantParams wBase;
    private final float[] xc; // input codes (q - z) [rows, in]
    private final float[] wc; // weight codes (q - z) [out, in]

    State(float[] x, int rows, int samples, float[] w, int in, int out, QuantParams wBase) {
      this.x = x;
      this.rows = rows;
      this.samples = samples;
      this.per = rows / samples;
      this.in = in;
      this.out = out;
      this.wT = Mat.transpose(w, in, out);
      this.y = Mat.matmul(x, rows, in, w, out);
      this.yT = Mat.transpose(y, rows, out);
      this.wBase = wBase;
      xc = new float[rows * in];
      wc = new float[out * in];
    }

    void setInput(QuantParams p) {
      float s = p.scale(0);
      int z = p.zeroPoint(0);
      IntRange r = p.range();
      for (int i = 0; i < xc.length; i++) xc[i] = UniformQuantizer.quantize(x[i], s, z, r) - z;
    }

    void setWeights(double alpha) {
      for (int o = 0; o < out; o++) {
        float s = (float) (wBase.scale(o) * alpha);
        int z = wBase.zeroPoint(o);
        for (int i = 0; i < in; i++)
          wc[o * in + i] = UniformQuantizer.quantize(wT[o * in + i], s, z, wBase.range()) - z;
      }
    }

    /** Best weight factor with the input codes fixed; Z kept as [out, rows]. */
    Sweep sweepWeights(Config cfg) {
      float[] xcT = Mat.transpose(xc, rows, in);
      float[] zT = new float[out * rows];
      float[] codes = new float[out * in];
      Sweep best = new Sweep(-1, Double.NEGATIVE_INFINITY);
      int blocks = (out + BLOCK - 1) / BLOCK;
      for (int c = 0; c < cfg.candidates(); c++) {
        double alpha = cfg.alpha(c);
        boolean fresh = c == 0;
        Pearson.Sums[] sums =
            IntStream.range(0, blocks)
                .parallel()
                .mapToObj(b -> weightBlock(b, alpha, fresh, xcT, zT, codes))
                .reduce(SimilaritySearch::merge)
                .orElseThrow();
        double score = mean(sums);
        if (score > best.score()) best = new Sweep(c, score);
      }
      return best;
    }

    private Pearson.Sums[] weightBlock(
        int b, double alpha, boolean fresh, float[] xcT, float[] zT, float[] codes) {
      Pearson.Sums[] sums = newSums(samples);
      IntRange r = wBase.range();
      for (int o = b * BLOCK, end = Math.min(out, o + BLOCK); o < end; o++) {
        float base = wBase.scale(o);
        float s = (float) (base * alpha);
        int z = wBase.zeroPoint(o);
        int zo = o * rows;
        if (fresh) java.util.Arrays.fill(zT, zo, zo + rows, 0f);
        for (int i = 0; i < in; i++) {
          float q = UniformQuantizer.quantize(wT[o * in + i], s, z, r) - z;
          float d = fresh ? q : q - codes[o * in + i];
          if (d == 0f) continue;
          codes[o * in + i] = q;
          float f = d * base;
          int xo = i * rows;
          for (int k = 0; k < rows; k++) zT[zo + k] += f * xcT[xo + k];
        }
        for (int n = 0; n < samples; n++) {
          Pearson.Sums sn = sums[n];
          for (int k = zo + n * per, e = k + per; k < e; k++) sn.add(yT[k], zT[k]);
        }
      }
      return sums;
    }

    /** Best input factor with the weight codes fixed; Z kept as [rows, out]. */
    Sweep sweepInput(QuantParams base, Config cfg) {
      float[] wScaled = new float[in * out]; // [in, out], base scale folded in
      for (int o = 0; o < out; o++)
        for (int i = 0; i < in; i++) wScaled[i * out + o] = wc[o * in + i] * wBase.scale(o);
      float[] z = new float[rows * out];
      float[] codes = new float[rows * in];
      Sweep best = new Sweep(-1, Double.NEGATIVE_INFINITY);
      float s0 = base.scale(0);
      int zp = base.zeroPoint(0);
      IntRange r = base.range();
      for (int c = 0; c < cfg.candidates(); c++) {
        float s = (float) (s0 * cfg.alpha(c));
        boolean fresh = c == 0;
        double score =
            IntStream.range(0, samples)
                    .parallel()
                    .mapToDouble(
                        n -> {
                          Pearson.Sums sn = new Pearson.Sums();
                          for (int row = n * per; row < (n + 1) * per; row++) {
                            int zo = row * out;
                            if (fresh) java.util.Arrays.fill(z, zo, zo + out, 0f);
                            for (int i = 0; i < in; i++) {
                              float q = UniformQuantizer.quantize(x[row * in + i], s, zp, r) - zp;
                              float d = fresh ? q : q - codes[row * in + i];
                              if (d == 0f) continue;
                              codes[row * in + i] = q;
                              int wo = i * out;
                              for (int o = 0; o < out; o++) z[zo + o] += d * wScaled[wo + o];
                            }
                            for (int o = 0; o < out; o++) sn.add(y[zo + o], z[zo + o]);
                          }
                          return sn.correlation();
                        })
                    .sum()
                / samples;
        if (score > best.score()) best = new Sweep(c, score);
      }
      return best;
    }
  }

  private static Pearson.Sums[] newSums(int n) {
    Pearson.Sums[] s = new Pearson.Sums[n];
    for (int i = 0; i < n; i++) s[i] = new Pearson.Sums();
    return s;
  }

  private static Pearson.Sums[] merge(Pearson.Sums[] a, Pearson.Sums[] b) {
    for (int i = 0; i < a.length; i++) a[i].add(b[i]);
    return a;
  }

  private static double mean(Pearson.Sums[] sums) {
    double s = 0;
    for (Pearson.Sums p : sums) s += p.correlation();
    return s / sums.length;
  }
}
