package io.onnxq.runtime;

/**
 * Reference kernel of {@code com.onnxq::LogIntAttnMatMul}: attention probabilities given as
 * LogIntSoftmax codes times V, using only shifts of V.
 *
 * <p>{@code ACC[i,d] = sum_j P[i,j] * (V[j,d] - zv)} with {@code P = k < 16 ? 2^(15-k) : 0}. The
 * real value is {@code ACC * sv * 2^-15}; the graph applies it with a standard {@code
 * DequantizeLinear(int32, scale = sv / 32768, zp = 0)} after the op.
 *
 * <p>Accumulation is int32 and wraps exactly like ORT's int32 MatMul (it cannot overflow for
 * softmax codes with N up to 257 tokens, see docs/custom-ops.md).
 */
public final class LogIntAttnMatMul {

  /** ACC carries probabilities with 15 fractional bits. */
  public static final int FRAC_BITS = 15;

  private LogIntAttnMatMul() {}

  /** Integer weight of one code: {@code 2^(15-k)} for k < 16, else 0. */
  public static int weight(int code) {
    return code < LogIntSoftmax.MASKED ? 1 << (FRAC_BITS - code) : 0;
  }

  /**
   * Scale of the int32 accumulator for a V scale {@code sv}: {@code sv / 32768} (exact in float).
   */
  public static float accScale(float sv) {
    return sv / (1 << FRAC_BITS);
  }

  /**
   * @param k codes [batch, m, n] (unsigned bytes)
   * @param v values [batch, n, d] (unsigned bytes)
   * @param batch product of the leading dims (B*H)
   * @param zv V zero point, 0..255
   * @return ACC [batch, m, d]
   */
  public static int[] apply(byte[] k, byte[] v, int batch, int m, int n, int d, int zv) {
    if ((long) batch * m * n != k.length || (long) batch * n * d != v.length) {
      throw new IllegalArgumentException(
          "shape mismatch: k "
              + k.length
              + ", v "
              + v.length
              + " for batch="
              + batch
              + " m="
              + m
              + " n="
              + n
              + " d="
              + d);
    }
    int[] acc = new int[batch * m * d];
    int[] vc = new int[n * d];
    for (int b = 0; b < batch; b++) {
      int vOff = b * n * d;
      for (int t = 0; t < n * d; t++) {
        vc[t] = (v[vOff + t] & 0xFF) - zv;
      }
      for (int i = 0; i < m; i++) {
        int kOff = (b * m + i) * n;
        int aOff = (b * m + i) * d;
        for (int j = 0; j < n; j++) {
          int p = weight(k[kOff + j] & 0xFF);
          if (p == 0) {
            continue;
          }
          int vRow = j * d;
          for (int t = 0; t < d; t++) {
            acc[aOff + t] += p * vc[vRow + t];
          }
        }
      }
    }
    return acc;
  }
}
