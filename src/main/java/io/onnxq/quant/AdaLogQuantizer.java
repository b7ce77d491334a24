package io.onnxq.quant;

import java.util.Arrays;

/**
 * AdaLog (Wu et al., ECCV'24) logarithmic quantizer with an adaptive base b = 2^(q/r), r = 37. This
 * class is the single definition of its numerics; the search, the fake-quant simulation and the
 * ONNX lowering must all go through it.
 *
 * <p><b>Codes.</b> Code k in [0, 2^n - 1] stands for s * b^-k (the real value is that minus the
 * shift h, see below). One extra code {@link #masked()} = 2^n stands for 0: inputs whose log code
 * would be 2^n or more are zeroed (FQ-ViT/AdaLog keep this mask beside the n-bit code). A uint8
 * carrier holds the masked code as the value 2^n, which fits for n <= 7; n = 8 needs a 16-bit
 * carrier (code 256).
 *
 * <p><b>Quantization</b> is defined by float32 threshold comparisons, not by log/pow, so ONNX
 * Runtime can reproduce it bit-exactly: t = (x + h) / s (float add, then float division), and k =
 * #{ j in 1..2^n : t <= theta_j } with theta_j = (float) b^-(j - 1/2). t <= 0 or NaN gives the
 * masked code. Mathematically this is round-half-up(-log_b t), masked when >= 2^n. theta_j
 * underflows to 0f for huge j*q; such thresholds are never met by a positive t, so the code
 * saturates below 2^n there instead of masking, which only affects values below ~1e-38.
 *
 * <p><b>Dequantization</b> uses the paper's hardware form: with kq = k*q, x' = s * 2^-floor(kq/r) *
 * T[kq mod r], T[j] = round(2^(-j/r) * D) / D, D = 2^(n+1) - 2. {@link #table()} holds, per code,
 * the real value of x (x' - h), computed as (float) (s * num / D * 2^-shift - h) in double and
 * rounded to float once; {@link #tableUnshifted()} is the same without "- h", for graphs that fold
 * -h into the next layer's bias ({@link #foldShiftIntoBias}).
 *
 * <p>Thresholds and T use {@link StrictMath} so that tables are identical on every JVM.
 */
public final class AdaLogQuantizer {
  /** Fixed denominator of the base exponent, b = 2^(q/R). */
  public static final int R = 37;

  public static final int MIN_Q = 10;
  public static final int MAX_Q = 137;

  /** q = R is the plain log2 quantizer. */
  public static final int LOG2_Q = R;

  /** |min GELU(x)|: shifting post-GELU activations by it makes them non-negative. */
  public static final float GELU_SHIFT = 0.16997124f;

  private final int bits;
  private final float scale;
  private final int q;
  private final float shift;
  private final float[] thresholds;
  private final float invLog2Base;
  private final float[] table;
  private final float[] tableUnshifted;

  public AdaLogQuantizer(int bits, float scale, int q, float shift) {
    if (bits < 2 || bits > 8) {
      throw new IllegalArgumentException("AdaLog bit width " + bits + " outside [2, 8]");
    }
    if (!(scale > 0f) || !Float.isFinite(scale)) {
      throw new IllegalArgumentException("AdaLog scale " + scale + " is not positive and finite");
    }
    if (q < MIN_Q || q > MAX_Q) {
      throw new IllegalArgumentException(
          "AdaLog base parameter q = " + q + " outside [" + MIN_Q + ", " + MAX_Q + "]");
    }
    if (!(shift >= 0f) || !Float.isFinite(shift)) {
      throw new IllegalArgumentException("AdaLog shift " + shift + " must be finite and >= 0");
    }
    this.bits = bits;
    this.scale = scale;
    this.q = q;
    this.shift = shift;
    int levels = 1 << bits;
    invLog2Base = (float) R / q;
    thresholds = new float[levels];
    for (int j = 1; j <= levels; j++) {
      // b^-(j - 1/2) = 2^(-q (2j - 1) / (2R))
      thresholds[j - 1] = (float) StrictMath.pow(2.0, -(double) q * (2 * j - 1) / (2.0 * R));
    }
    table = new float[levels + 1];
    tableUnshifted = new float[levels + 1];
    int d = denominator();
    for (int k = 0; k < levels; k++) {
      double v = Math.scalb((double) scale * fractionNumerator(k) / d, -shift(k));
      tableUnshifted[k] = (float) v;
      table[k] = (float) (v - shift);
    }
    tableUnshifted[levels] = 0f;
    table[levels] = 0f - shift; // not -shift: keeps +0f when h = 0
  }

  /** Post-Softmax form: inputs are probabilities, so s = 1 and no shift. */
  public static AdaLogQuantizer postSoftmax(int bits, int q) {
    return new AdaLogQuantizer(bits, 1f, q, 0f);
  }

  /** Post-GELU form: acts on x + {@link #GELU_SHIFT}. */
  public static AdaLogQuantizer postGelu(int bits, float scale, int q) {
    return new AdaLogQuantizer(bits, scale, q, GELU_SHIFT);
  }

  public int bits() {
    return bits;
  }

  public float scale() {
    return scale;
  }

  public int q() {
    return q;
  }

  public float shift() {
    return shift;
  }

  /** log2 of the base, q / R. */
  public double log2Base() {
    return (double) q / R;
  }

  /** Number of value codes, 2^n. */
  public int levels() {
    return 1 << bits;
  }

  /** The code meaning "zero", 2^n. */
  public int masked() {
    return 1 << bits;
  }

  /** Power-of-two part of code k: floor(k q / R). */
  public int shift(int k) {
    checkCode(k);
    return k * q / R;
  }

  /** Integer numerator of T[(k q) mod R]: round(2^(-j/R) * D). */
  public int fractionNumerator(int k) {
    checkCode(k);
    int j = (k * q) % R;
    return (int) Math.round(StrictMath.pow(2.0, -j / (double) R) * denominator());
  }

  /** D = 2^(n+1) - 2, the table's fixed-point denominator. */
  public int denominator() {
    return (2 << bits) - 2;
  }

  /** theta_1..theta_{2^n} (descending): code k = number of thresholds with t <= theta. */
  public float[] thresholds() {
    return thresholds.clone();
  }

  /** Real value per code (length 2^n + 1), shift already subtracted; table[masked] = -h. */
  public float[] table() {
    return table.clone();
  }

  /** Value of x' = x + h per code (length 2^n + 1), table[masked] = 0. */
  public float[] tableUnshifted() {
    return tableUnshifted.clone();
  }

  public int quantize(float x) {
    float t = (x + shift) / scale; // float32 on purpose, see class comment
    if (!(t > 0f)) {
      return masked();
    }
    // The result is defined by the threshold comparisons alone: start from a cheap log estimate and
    // walk to the exact count of thresholds >= t (they descend), usually 0 or 1 steps. The estimate
    // only affects speed, never the code.
    int n = thresholds.length;
    int bitsT = Float.floatToRawIntBits(t);
    float mant = Float.intBitsToFloat((bitsT & 0x7fffff) | 0x3f800000); // [1, 2)
    float log2t = ((bitsT >>> 23) - 127) + (-0.34484843f * mant + 2.02466578f) * mant - 1.67487759f;
    float est = -log2t * invLog2Base + 0.5f;
    int k = est <= 0f ? 0 : est >= n ? n : (int) est;
    while (k < n && t <= thresholds[k]) {
      k++;
    }
    while (k > 0 && t > thresholds[k - 1]) {
      k--;
    }
    return k;
  }

  public float dequantize(int code) {
    if (code < 0 || code > masked()) {
      throw new IllegalArgumentException("AdaLog code " + code + " outside [0, " + masked() + "]");
    }
    return table[code];
  }

  /** Unshifted value of a code without the range check, for hot loops. */
  public float unshiftedValue(int code) {
    return tableUnshifted[code];
  }

  public float fakeQuant(float x) {
    return table[quantize(x)];
  }

  /** Mean squared error of fake quantization over x[off..off+len); 0 for an empty slice. */
  public double mse(float[] x, int off, int len) {
    if (len == 0) {
      return 0.0;
    }
    double sum = 0.0;
    for (int i = off, end = off + len; i < end; i++) {
      double d = (double) x[i] - table[quantize(x[i])];
      sum += d * d;
    }
    return sum / len;
  }

  /**
   * Bias of a MatMul y = x W + b (W row-major [in, out]) that consumes the unshifted values x' = x
   * + h instead of x: b'_o = b_o - h * sum_i W[i, o]. Pass the dequantized weights so the fold
   * matches what the quantized layer computes.
   */
  public static float[] foldShiftIntoBias(
      float[] bias, float[] dequantizedWeight, int in, int out, float h) {
    if (dequantizedWeight.length != (long) in * out) {
      throw new IllegalArgumentException(
          "weight has " + dequantizedWeight.length + " values, expected " + in + "x" + out);
    }
    if (bias != null && bias.length != out) {
      throw new IllegalArgumentException("bias has " + bias.length + " values, expected " + out);
    }
    double[] colSum = new double[out];
    for (int i = 0; i < in; i++) {
      for (int o = 0; o < out; o++) {
        colSum[o] += dequantizedWeight[i * out + o];
      }
    }
    float[] folded = new float[out];
    for (int o = 0; o < out; o++) {
      folded[o] = (float) ((bias == null ? 0.0 : bias[o]) - (double) h * colSum[o]);
    }
    return folded;
  }

  private void checkCode(int k) {
    if (k < 0 || k >= levels()) {
      throw new IllegalArgumentException(
          "AdaLog value code " + k + " outside [0, " + (levels() - 1) + "]");
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AdaLogQuantizer a
        && bits == a.bits
        && q == a.q
        && Float.compare(scale, a.scale) == 0
        && Float.compare(shift, a.shift) == 0;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(new Object[] {bits, q, scale, shift});
  }

  @Override
  public String toString() {
    return "AdaLog[n=" + bits + ", s=" + scale + ", q=" + q + ", h=" + shift + "]";
  }
}
