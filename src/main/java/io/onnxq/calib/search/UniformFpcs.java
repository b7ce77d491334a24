package io.onnxq.calib.search;

import io.onnxq.quant.IntRange;
import io.onnxq.quant.UniformQuantizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * FPCS (AdaLog §2.3) for one asymmetric uniform quantizer on the grid [0, 2^n - 1].
 *
 * <p>Initial grid: num_zp = min(16, 2^(n-1)) zero points centred on 2^(n-1) times 128/num_zp scales
 * spaced linearly from range(quantiles 0.1..0.9) to range(min..max), over 2^n - 1. Two additions to
 * the paper's grid make skewed groups safe: the MinMax zero point is added as one more column of
 * the grid, and the MinMax (s, z) pair itself is scored. Then 5 rounds expand each of the top 16
 * into 8 scales evenly spaced in +-delta/2 (delta = grid step, divided by 7.5 after each round).
 * The best pair over all scored candidates wins, so the result is never worse than MinMax under the
 * loss.
 *
 * <p>Performance contract for incremental losses: within each round, candidates are scored in
 * ascending scale order (ties by zero point), so consecutive candidates differ in few codes.
 */
public final class UniformFpcs {

  /** Loss of one candidate; lower is better. */
  public interface Loss {
    double of(float s, int z);
  }

  public record Candidate(float s, int z, double loss) {}

  static final int WIDTH = 16;
  static final int NEW_PER_SURVIVOR = 8;
  static final int ROUNDS = 5;
  static final int EQ_N = 128;

  /** The own-MSE loss sees at most this many values (evenly strided): it only seeds the search. */
  static final int SELF_MSE_MAX_VALUES = 1 << 16;

  private UniformFpcs() {}

  /** Search with the group's own quantization MSE as loss. */
  public static Candidate search(float[] values, int bits) {
    return search(values, bits, selfMse(values, bits));
  }

  /** Own quantization MSE on (a strided sample of) the values. */
  public static Loss selfMse(float[] values, int bits) {
    float[] v = stridedSample(values, SELF_MSE_MAX_VALUES);
    IntRange r = IntRange.uint(bits);
    return (s, z) -> UniformQuantizer.mse(v, 0, v.length, s, z, r);
  }

  /**
   * @param values the group's values; only their quantiles and range are used to seed the grid
   */
  public static Candidate search(float[] values, int bits, Loss loss) {
    if (values.length == 0) {
      throw new IllegalArgumentException("cannot search a quantizer for an empty group");
    }
    IntRange r = IntRange.uint(bits);
    int levels = r.qmax();
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    for (float x : values) {
      min = Math.min(min, x);
      max = Math.max(max, x);
    }
    float[] sorted = stridedSample(values, SELF_MSE_MAX_VALUES).clone();
    Arrays.sort(sorted);
    double dMin = quantile(sorted, 0.9) - quantile(sorted, 0.1);
    double dMax = (double) max - min;
    // Floor keeps s > 0 and finite; an all-zero group is reproduced by any scale.
    float floor = dMax > 0 ? (float) Math.max(dMax / levels * 1e-3, Float.MIN_NORMAL) : 1f;
    int numZp = Math.min(16, 1 << (bits - 1));
    int numScale = EQ_N / numZp;
    double step = (dMax - dMin) / (numScale - 1) / levels;
    var minMax = UniformQuantizer.asymmetric(min, max, r);
    int[] zps = zeroPoints(bits, numZp, minMax.zeroPoint(0));
    List<Candidate> cands = new ArrayList<>();
    for (int i = 0; i < numScale; i++) {
      float s = Math.max((float) ((dMin + i * (dMax - dMin) / (numScale - 1)) / levels), floor);
      for (int z : zps) {
        cands.add(new Candidate(s, z, 0));
      }
    }
    cands.add(new Candidate(Math.max(minMax.scale(0), floor), minMax.zeroPoint(0), 0));
    List<Candidate> scored = score(cands, loss);
    Candidate best = scored.get(0);
    double delta = step;
    for (int round = 0; round < ROUNDS; round++) {
      List<Candidate> next = new ArrayList<>();
      for (Candidate c : scored.subList(0, Math.min(WIDTH, scored.size()))) {
        for (int j = 0; j < NEW_PER_SURVIVOR; j++) {
          double off = ((double) j / (NEW_PER_SURVIVOR - 1) - 0.5) * delta;
          next.add(new Candidate(Math.max((float) (c.s() + off), floor), c.z(), 0));
        }
      }
      delta /= NEW_PER_SURVIVOR - 0.5;
      scored = score(next, loss);
      if (scored.get(0).loss() < best.loss()) {
        best = scored.get(0);
      }
    }
    return best;
  }

  /** Scores in ascending (s, z) order (see class comment) and returns them sorted by loss. */
  private static List<Candidate> score(List<Candidate> cands, Loss loss) {
    cands.sort(Comparator.comparingDouble(Candidate::s).thenComparingInt(Candidate::z));
    List<Candidate> out = new ArrayList<>(cands.size());
    Candidate prev = null;
    for (Candidate c : cands) {
      if (prev != null && prev.s() == c.s() && prev.z() == c.z()) {
        continue; // duplicates appear when neighbouring survivors' expansions overlap
      }
      double l = loss.of(c.s(), c.z());
      out.add(new Candidate(c.s(), c.z(), Double.isNaN(l) ? Double.POSITIVE_INFINITY : l));
      prev = c;
    }
    out.sort(Comparator.comparingDouble(Candidate::loss));
    return out;
  }

  private static int[] zeroPoints(int bits, int numZp, int minMaxZp) {
    int lo = (1 << (bits - 1)) - numZp / 2;
    int[] z = new int[numZp + 1];
    boolean seen = false;
    for (int i = 0; i < numZp; i++) {
      z[i] = lo + i;
      seen |= z[i] == minMaxZp;
    }
    if (seen) {
      return Arrays.copyOf(z, numZp);
    }
    z[numZp] = minMaxZp;
    return z;
  }

  /** Linear-interpolation quantile of sorted values (torch.quantile's default). */
  static double quantile(float[] sorted, double p) {
    double pos = p * (sorted.length - 1);
    int i = (int) Math.floor(pos);
    int j = Math.min(i + 1, sorted.length - 1);
    return sorted[i] + (pos - i) * ((double) sorted[j] - sorted[i]);
  }

  /** Up to max values taken at an even stride (all of them when there are few). */
  static float[] stridedSample(float[] v, int max) {
    if (v.length <= max) {
      return v;
    }
    float[] out = new float[max];
    for (int i = 0; i < max; i++) {
      out[i] = v[(int) ((long) i * v.length / max)];
    }
    return out;
  }
}
