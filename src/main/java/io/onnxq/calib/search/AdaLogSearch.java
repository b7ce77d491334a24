package io.onnxq.calib.search;

import io.onnxq.quant.AdaLogQuantizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * AdaLog parameter searches (AdaLog §2.3).
 *
 * <p>Post-Softmax: s = 1, exhaustive over q = 10..137. Post-GELU (shift h): all q at the current s,
 * keep 8; 16 scales linear between the bounds (0.9 and 1.0 quantiles of the positive x, plus h)
 * give 128 (s, q) pairs, keep 32; 5 rounds expand each survivor into 4 scales in +-delta/2 (delta
 * /= 3.5 per round), keep 32; the best pair over everything scored wins.
 *
 * <p>Performance contract for incremental losses: candidates of a step are scored grouped by q and
 * in ascending s within a q.
 */
public final class AdaLogSearch {

  public interface Loss {
    double of(AdaLogQuantizer a);
  }

  static final int KEEP_Q = 8;
  static final int NUM_SCALES = 16;
  static final int WIDTH = 32;
  static final int NEW_PER_SURVIVOR = 4;
  static final int ROUNDS = 5;
  static final int EQ_N = 128;

  private AdaLogSearch() {}

  private record Cand(int q, float s, double loss) {}

  /** Own fake-quant MSE on (a strided sample of) x. */
  public static Loss selfMse(float[] x) {
    float[] v = UniformFpcs.stridedSample(x, UniformFpcs.SELF_MSE_MAX_VALUES);
    return a -> a.mse(v, 0, v.length);
  }

  public static AdaLogChoice postSoftmax(int bits, Loss loss) {
    AdaLogQuantizer best = null;
    double bestLoss = Double.POSITIVE_INFINITY;
    for (int q = AdaLogQuantizer.MIN_Q; q <= AdaLogQuantizer.MAX_Q; q++) {
      AdaLogQuantizer a = AdaLogQuantizer.postSoftmax(bits, q);
      double l = loss.of(a);
      if (best == null || l < bestLoss) {
        best = a;
        bestLoss = l;
      }
    }
    return AdaLogChoice.of(best);
  }

  /**
   * Scale bounds of the post-GELU search: {p0.9, p1.0} of the positive entries of x (rank ceil(n p)
   * - 1 as in the reference code) plus h. Without positive entries both bounds are h (or 1 if h =
   * 0).
   */
  public static float[] scaleBounds(float[] x, float h) {
    float[] pos = positive(x);
    if (pos.length == 0) {
      float b = h > 0 ? h : 1f;
      return new float[] {b, b};
    }
    Arrays.sort(pos);
    int lo = Math.max(0, (int) Math.ceil(pos.length * 0.9) - 1);
    return new float[] {pos[lo] + h, pos[pos.length - 1] + h};
  }

  /** The paper's starting scale: point eq_n - 2 of eq_n linear points between the bounds. */
  public static float initialScale(float[] bounds) {
    return (float) (bounds[0] + (bounds[1] - (double) bounds[0]) * (EQ_N - 2) / (EQ_N - 1));
  }

  /**
   * Post-GELU FPCS.
   *
   * @param bounds from {@link #scaleBounds}
   * @param currentScale scale used while scanning q (the previous result, or {@link #initialScale})
   */
  public static AdaLogChoice postGelu(
      int bits, float[] bounds, float h, float currentScale, Loss loss) {
    float floor = Math.max(bounds[0] * 1e-3f, Float.MIN_NORMAL);
    List<Cand> qs = new ArrayList<>();
    for (int q = AdaLogQuantizer.MIN_Q; q <= AdaLogQuantizer.MAX_Q; q++) {
      qs.add(new Cand(q, Math.max(currentScale, floor), 0));
    }
    List<Cand> scored = score(qs, bits, h, loss);
    Cand best = scored.get(0);
    List<Cand> pairs = new ArrayList<>();
    double step = (bounds[1] - (double) bounds[0]) / (NUM_SCALES - 1);
    for (Cand c : scored.subList(0, KEEP_Q)) {
      for (int i = 0; i < NUM_SCALES; i++) {
        pairs.add(new Cand(c.q(), Math.max((float) (bounds[0] + i * step), floor), 0));
      }
    }
    scored = score(pairs, bits, h, loss);
    best = better(best, scored.get(0));
    double delta = step;
    for (int round = 0; round < ROUNDS; round++) {
      List<Cand> next = new ArrayList<>();
      for (Cand c : scored.subList(0, Math.min(WIDTH, scored.size()))) {
        for (int j = 0; j < NEW_PER_SURVIVOR; j++) {
          double off = ((double) j / (NEW_PER_SURVIVOR - 1) - 0.5) * delta;
          next.add(new Cand(c.q(), Math.max((float) (c.s() + off), floor), 0));
        }
      }
      delta /= NEW_PER_SURVIVOR - 0.5;
      scored = score(next, bits, h, loss);
      best = better(best, scored.get(0));
    }
    return new AdaLogChoice(bits, best.q(), best.s(), h);
  }

  private static Cand better(Cand a, Cand b) {
    return b.loss() < a.loss() ? b : a;
  }

  private static List<Cand> score(List<Cand> cands, int bits, float h, Loss loss) {
    cands.sort(Comparator.comparingInt(Cand::q).thenComparingDouble(Cand::s));
    List<Cand> out = new ArrayList<>(cands.size());
    Cand prev = null;
    for (Cand c : cands) {
      if (prev != null && prev.q() == c.q() && prev.s() == c.s()) {
        continue;
      }
      double l = loss.of(new AdaLogQuantizer(bits, c.s(), c.q(), h));
      out.add(new Cand(c.q(), c.s(), Double.isNaN(l) ? Double.POSITIVE_INFINITY : l));
      prev = c;
    }
    out.sort(Comparator.comparingDouble(Cand::loss));
    return out;
  }

  private static float[] positive(float[] x) {
    int n = 0;
    for (float v : x) {
      if (v > 0f) {
        n++;
      }
    }
    float[] pos = new float[n];
    n = 0;
    for (float v : x) {
      if (v > 0f) {
        pos[n++] = v;
      }
    }
    return pos;
  }
}
