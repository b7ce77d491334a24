package io.onnxq.calib;

/**
 * An activation whose statistics calibration collects. {@code perChannel} taps (LayerNorm inputs
 * under PTS) keep a sample of whole rows so per-channel factors can be chosen.
 */
public record Tap(String tensor, boolean perChannel) {
  public static Tap perTensor(String tensor) {
    return new Tap(tensor, false);
  }
}
