package io.onnxq.recipe;

import io.onnxq.calib.observe.ObserverKind;

/**
 * Uniform n-bit weights (asymmetric per output channel below 8 bits) and activations (the image
 * entering the patch embedding stays 8-bit), calibrated by an observer; the attention probabilities
 * are uniform or, with {@code log2Probs}, a fixed log2 quantizer.
 */
public record LowBit(
    ObserverKind observer, WeightRange weightRange, int wBits, int aBits, boolean log2Probs)
    implements Recipe {

  public LowBit {
    java.util.Objects.requireNonNull(observer, "observer");
    java.util.Objects.requireNonNull(weightRange, "weightRange");
    Recipe.checkBits(wBits, aBits);
  }

  @Override
  public String describe() {
    return "lowbit(W"
        + wBits
        + "A"
        + aBits
        + (log2Probs ? ", log2 probs, " : ", ")
        + observer.cliName()
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
