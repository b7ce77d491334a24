package io.onnxq.quant;

/**
 * Per-channel rebalancing of the two attention operands: q_c * r_c and k_c / r_c leave every logit
 * q.k unchanged, so it folds exactly into the q and k columns of the fused qkv weight and bias.
 * With r_c = sqrt(max|k_c| / max|q_c|) both operands of channel c get the same range sqrt(max|q_c|
 * max|k_c|), which evens out channels whose outliers sit in only one of q and k before per-head
 * 4-bit grids.
 */
public record QkBalance(float[] r) {

  /** From per-channel absolute maxima of q and k (channel = head * headDim + j). */
  public static QkBalance fromRanges(float[] qMax, float[] kMax) {
    float[] r = new float[qMax.length];
    for (int c = 0; c < r.length; c++) {
      r[c] = qMax[c] > 0 && kMax[c] > 0 ? (float) Math.sqrt(kMax[c] / qMax[c]) : 1f;
    }
    return new QkBalance(r);
  }

  /**
   * Scales the q columns [0, dim) by r and the k columns [dim, 2 dim) by 1 / r of a qkv weight laid
   * out [in, 3 dim] (or a bias when {@code in} = 1); v columns are unchanged.
   */
  public float[] apply(float[] w, int in) {
    int dim = r.length;
    int cols = w.length / in;
    float[] out = w.clone();
    for (int i = 0; i < in; i++) {
      for (int c = 0; c < dim; c++) {
        out[i * cols + c] = w[i * cols + c] * r[c];
        out[i * cols + dim + c] = w[i * cols + dim + c] / r[c];
      }
    }
    return out;
  }
}
