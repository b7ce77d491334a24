package io.onnxq.calib.search;

import io.onnxq.quant.IntRange;
import java.util.stream.IntStream;

/**
 * Searches for the two attention matmuls (AdaLog matmul.py), minimising the MSE of the matmul
 * output against FP32 on sampled rows.
 *
 * <p>Layouts: a "segment" is one (image, head) pair, segment = image * heads + head; tensors are
 * [segments, rows, cols] row-major. Query rows and probability rows may be a sub-sample of the
 * tokens; keys and values must be complete (every token) for their segment.
 *
 * <ul>
 *   <li>QK^T: q and k both uniform asymmetric with one (s, z) per head; after a first own-MSE pass,
 *       {@code rounds} alternations search q (k fixed) then k (q fixed), per head in parallel.
 *   <li>AV: probabilities AdaLog with s = 1, exhaustive q (one per tensor), V uniform per head
 *       FPCS; first pass on own MSE, then {@code rounds} alternations A then V.
 * </ul>
 *
 * Scoring goes through {@link OutputScorer} (incremental X_hat W updates), with the transposed
 * problem (Y^T = K Q^T, O^T = V^T A^T) when the right-hand operand is the one being searched.
 */
public final class AttentionSearch {

  public record QkChoice(UniformChoice q, UniformChoice k, double outputMse) {}

  public record AvChoice(AdaLogChoice probs, UniformChoice v, double outputMse) {}

  public static final int DEFAULT_ROUNDS = 3;

  private AttentionSearch() {}

  /**
   * @param q [segments, qRows, d]
   * @param k [segments, kRows, d]
   */
  public static QkChoice searchQk(
      float[] q,
      float[] k,
      int segments,
      int heads,
      int qRows,
      int kRows,
      int d,
      int bits,
      int rounds) {
    check(
        q.length == segments * qRows * d
            && k.length == segments * kRows * d
            && segments % heads == 0);
    float[][] qs = split(q, segments, qRows * d);
    float[][] ks = split(k, segments, kRows * d);
    float[][] y = new float[segments][];
    float[][] yt = new float[segments][];
    for (int sg = 0; sg < segments; sg++) {
      y[sg] = Mat.matmul(qs[sg], qRows, d, Mat.transpose(ks[sg], kRows, d), kRows);
      yt[sg] = Mat.transpose(y[sg], qRows, kRows);
    }
    UniformChoice qc = selfPerHead(qs, heads, bits);
    UniformChoice kc = selfPerHead(ks, heads, bits);
    for (int round = 0; round < rounds; round++) {
      UniformChoice kFixed = kc;
      qc =
          perHead(
              heads,
              bits,
              qs,
              h -> {
                float[][] w = new float[segments / heads][];
                for (int i = 0; i < w.length; i++) {
                  int sg = i * heads + h;
                  w[i] =
                      Mat.transpose(
                          Levels.fakeQuant(
                              ks[sg], kFixed.scale(h), kFixed.zeroPoint(h), kFixed.range()),
                          kRows,
                          d);
                }
                return new OutputScorer(
                    ofHead(qs, heads, h), w, ofHead(y, heads, h), qRows, d, kRows, 0f);
              });
      UniformChoice qFixed = qc;
      kc =
          perHead(
              heads,
              bits,
              ks,
              h -> {
                float[][] w = new float[segments / heads][];
                for (int i = 0; i < w.length; i++) {
                  int sg = i * heads + h;
                  w[i] =
                      Mat.transpose(
                          Levels.fakeQuant(
                              qs[sg], qFixed.scale(h), qFixed.zeroPoint(h), qFixed.range()),
                          qRows,
                          d);
                }
                return new OutputScorer(
                    ofHead(ks, heads, h), w, ofHead(yt, heads, h), kRows, d, qRows, 0f);
              });
    }
    double sum = 0;
    for (int sg = 0; sg < segments; sg++) {
      int h = sg % heads;
      float[] qh = Levels.fakeQuant(qs[sg], qc.scale(h), qc.zeroPoint(h), qc.range());
      float[] kh = Levels.fakeQuant(ks[sg], kc.scale(h), kc.zeroPoint(h), kc.range());
      sum += Levels.mse(y[sg], Mat.matmul(qh, qRows, d, Mat.transpose(kh, kRows, d), kRows));
    }
    return new QkChoice(qc, kc, sum / segments);
  }

  /**
   * @param a softmax probabilities [segments, aRows, tokens]
   * @param v values [segments, tokens, d]
   */
  public static AvChoice searchAv(
      float[] a,
      float[] v,
      int segments,
      int heads,
      int aRows,
      int tokens,
      int d,
      int aBits,
      int vBits,
      int rounds) {
    check(
        a.length == segments * aRows * tokens
            && v.length == segments * tokens * d
            && segments % heads == 0);
    float[][] as = split(a, segments, aRows * tokens);
    float[][] vs = split(v, segments, tokens * d);
    float[][] vts = new float[segments][];
    float[][] y = new float[segments][];
    float[][] yt = new float[segments][];
    for (int sg = 0; sg < segments; sg++) {
      y[sg] = Mat.matmul(as[sg], aRows, tokens, vs[sg], d);
      yt[sg] = Mat.transpose(y[sg], aRows, d);
      vts[sg] = Mat.transpose(vs[sg], tokens, d);
    }
    UniformChoice vc = selfPerHead(vs, heads, vBits);
    AdaLogChoice ac = AdaLogSearch.postSoftmax(aBits, AdaLogSearch.selfMse(a));
    for (int round = 0; round < rounds; round++) {
      float[][] vHat = new float[segments][];
      for (int sg = 0; sg < segments; sg++) {
        int h = sg % heads;
        vHat[sg] = Levels.fakeQuant(vs[sg], vc.scale(h), vc.zeroPoint(h), vc.range());
      }
      OutputScorer aScorer = new OutputScorer(as, vHat, y, aRows, tokens, d, 0f);
      ac = AdaLogSearch.postSoftmax(aBits, qz -> aScorer.score(1f, Levels.adaLog(qz)));
      float[][] aHatT = new float[segments][];
      for (int sg = 0; sg < segments; sg++) {
        aHatT[sg] = Mat.transpose(Levels.fakeQuant(as[sg], ac), aRows, tokens);
      }
      vc =
          perHead(
              heads,
              vBits,
              vs,
              h ->
                  new OutputScorer(
                      ofHead(vts, heads, h),
                      ofHead(aHatT, heads, h),
                      ofHead(yt, heads, h),
                      d,
                      tokens,
                      aRows,
                      0f));
    }
    double sum = 0;
    for (int sg = 0; sg < segments; sg++) {
      int h = sg % heads;
      float[] ah = Levels.fakeQuant(as[sg], ac);
      float[] vh = Levels.fakeQuant(vs[sg], vc.scale(h), vc.zeroPoint(h), vc.range());
      sum += Levels.mse(y[sg], Mat.matmul(ah, aRows, tokens, vh, d));
    }
    return new AvChoice(ac, vc, sum / segments);
  }

  private interface ScorerFactory {
    OutputScorer forHead(int h);
  }

  /** FPCS per head with the output loss; the grid is seeded from the head's own values. */
  private static UniformChoice perHead(int heads, int bits, float[][] values, ScorerFactory f) {
    float[] s = new float[heads];
    int[] z = new int[heads];
    IntRange r = IntRange.uint(bits);
    IntStream.range(0, heads)
        .parallel()
        .forEach(
            h -> {
              OutputScorer scorer = f.forHead(h);
              UniformFpcs.Candidate c =
                  UniformFpcs.search(
                      concat(ofHead(values, heads, h)),
                      bits,
                      (sc, zp) -> scorer.score(sc, Levels.uniform(sc, zp, r)));
              s[h] = c.s();
              z[h] = c.z();
            });
    return new UniformChoice(s, z, bits);
  }

  private static UniformChoice selfPerHead(float[][] values, int heads, int bits) {
    float[] s = new float[heads];
    int[] z = new int[heads];
    IntStream.range(0, heads)
        .parallel()
        .forEach(
            h -> {
              UniformFpcs.Candidate c = UniformFpcs.search(concat(ofHead(values, heads, h)), bits);
              s[h] = c.s();
              z[h] = c.z();
            });
    return new UniformChoice(s, z, bits);
  }

  private static float[][] ofHead(float[][] segs, int heads, int h) {
    float[][] out = new float[segs.length / heads][];
    for (int i = 0; i < out.length; i++) {
      out[i] = segs[i * heads + h];
    }
    return out;
  }

  private static float[] concat(float[][] parts) {
    int n = 0;
    for (float[] p : parts) {
      n += p.length;
    }
    float[] out = new float[n];
    n = 0;
    for (float[] p : parts) {
      System.arraycopy(p, 0, out, n, p.length);
      n += p.length;
    }
    return out;
  }

  private static float[][] split(float[] x, int segments, int len) {
    float[][] out = new float[segments][];
    for (int sg = 0; sg < segments; sg++) {
      out[sg] = Mat.slice(x, sg, len);
    }
    return out;
  }

  private static void check(boolean ok) {
    if (!ok) {
      throw new IllegalArgumentException(
          "attention tensor sizes do not match segments/heads/rows/d");
    }
  }
}
