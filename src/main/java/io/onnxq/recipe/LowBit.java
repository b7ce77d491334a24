package io.onnxq.recipe;

import io.onnxq.calib.observe.ObserverKind;

/**
 * Uniform n-bit weights (asymmetric per output channel below 8 bits) and activations (the image
 * entering the patch embedding stays 8-bit), calibrated by an observer; the attention probabilities
 * are uniform or, with {@code log2Probs}, a fixed log2 quantizer.
 *
 * @param biasCorrection subtract each quantized linear's mean output error on the calibration data
 *     from its bias (Liu et al. 2021)
 */
public record LowBit(
    ObserverKind observer,
    WeightRange weightRange,
    int wBits,
    int aBits,
    boolean log2Probs,
    boolean biasCorrection)
    implements Recipe {

  public LowBit {
    java.util.Objects.requireNonNull(observer, "observer");
    java.util.Objects.requireNonNull(weightRange, "weightRange");
    Recipe.checkBits(wBits, aBits);
  }

  public LowBit(
      ObserverKind observer, WeightRange weightRange, int wBits, int aBits, boolean log2Probs) {
    this(observer, weightRange, wBits, aBits, log2Probs, false);
  }

  @Override
  public String describe() {
    return "lowbit(W"
        + wBits
        + "A"
        + aBits
        + (log2Probs ? ", log2 probs, " : ", ")
        + observer.cliName()
        + (biasCorrection ? ", bias correction" : "")
        + ")";
  }

  @Override
  public boolean needsCompleteBlocks() {
    return false;
  }

  @Override
  public String flagLabel() {
    return "--wbits/--abits";
  }
}
