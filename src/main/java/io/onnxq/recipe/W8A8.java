package io.onnxq.recipe;

import io.onnxq.calib.observe.ObserverKind;

/**
 * 8-bit weights and activations in QDQ form around the linear layers and attention matmuls.
 *
 * @param biasCorrection subtract each quantized linear's mean output error on the calibration data
 *     from its bias (Liu et al. 2021)
 */
public record W8A8(ObserverKind observer, WeightRange weightRange, boolean biasCorrection)
    implements Recipe {

  public W8A8 {
    java.util.Objects.requireNonNull(observer, "observer");
    java.util.Objects.requireNonNull(weightRange, "weightRange");
  }

  public W8A8(ObserverKind observer, WeightRange weightRange) {
    this(observer, weightRange, false);
  }

  /** MinMax calibration, the x86-safe reduced weight range. */
  public static W8A8 defaults() {
    return new W8A8(ObserverKind.MINMAX, WeightRange.REDUCED);
  }

  @Override
  public String describe() {
    return "w8a8(" + observer.cliName() + (biasCorrection ? ", bias correction" : "") + ")";
  }

  @Override
  public boolean needsCompleteBlocks() {
    return false; // quantizes whatever linears and attentions were found
  }

  @Override
  public String flagLabel() {
    return "W8A8";
  }
}
