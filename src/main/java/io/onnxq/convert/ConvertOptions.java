package io.onnxq.convert;

import io.onnxq.calib.observe.ObserverKind;

/**
 * Everything that shapes a conversion. Defaults give W8A8 QDQ with MinMax calibration and the
 * x86-safe reduced weight range.
 *
 * @param method activation observer
 * @param weightRange REDUCED = 7-bit symmetric [-63, 63], safe on x86 CPUs without VNNI where ORT's
 *     u8*s8 kernels saturate; FULL = [-127, 127]
 * @param pts PTS: power-of-two-factor quantization of LayerNorm inputs and integer LayerNorm
 * @param lis LIS: integer log2 softmax with 4-bit attention probabilities
 * @param attnBits bits of the attention probabilities (4 with LIS, else 8)
 * @param batchSize calibration batch size
 */
public record ConvertOptions(
    ObserverKind method, WeightRange weightRange, boolean pts, boolean lis, int attnBits, int batchSize) {

  public enum WeightRange { REDUCED, FULL }

  public static ConvertOptions defaults() {
    return new ConvertOptions(ObserverKind.MINMAX, WeightRange.REDUCED, false, false, 8, 8);
  }

  public ConvertOptions withMethod(ObserverKind m) {
    return new ConvertOptions(m, weightRange, pts, lis, attnBits, batchSize);
  }
}
