package io.onnxq.runtime;

import io.onnxq.quant.AdaLogQuantizer;

/**
 * Reference kernel of {@code com.onnxq::AdaLogDequantize}: a plain table lookup, {@code y =
 * table[k]}.
 *
 * <p>The table is {@link AdaLogQuantizer#table()} (real values, {@code - h} applied) or {@link
 * AdaLogQuantizer#tableUnshifted()}; the op does not care which. Each entry is the hardware form
 * {@code s * 2^-shift(k) * num(k) / D} (minus h), see {@link #entry}.
 */
public final class AdaLogDequantizeKernel {

  private AdaLogDequantizeKernel() {}

  /**
   * {@code table[codes[i]]}; codes outside [0, table.length) are an error (ORT's Gather rejects
   * them too).
   */
  public static float[] apply(int[] codes, float[] table) {
    float[] y = new float[codes.length];
    for (int i = 0; i < codes.length; i++) {
      int k = codes[i];
      if (k < 0 || k >= table.length) {
        throw new IllegalArgumentException(
            "AdaLog code " + k + " outside the table [0, " + table.length + ")");
      }
      y[i] = table[k];
    }
    return y;
  }

  /**
   * One table entry from its hardware fields: {@code s * num / D * 2^-shift - h}, with {@code shift
   * = AdaLogQuantizer.shift(k)}, {@code num = fractionNumerator(k)}, {@code D = denominator()}.
   * Computed in double and rounded to float once: {@code s * num} (at most 24 + 9 bits) and the
   * power-of-two scaling are exact, so the only roundings are the division, the subtraction and the
   * final cast, exactly those of {@code table()}; the result is bit-identical. (A float32 device
   * that multiplies num by a stored {@code (float) (s / D)} adds one rounding, at most 1 ulp of the
   * unshifted value.) Pass {@code h = 0} for {@code tableUnshifted()}.
   */
  public static float entry(float s, float h, int shift, int num, int d) {
    double v = Math.scalb((double) s * num / d, -shift);
    return (float) (v - h);
  }
}
