package io.onnxq.recipe;

import io.onnxq.calib.observe.ObserverKind;

/** 8-bit weights and activations in QDQ form around the linear layers and attention matmuls. */
public record W8A8(ObserverKind observer, WeightRange weightRange) implements Recipe {

  public W8A8 {
    java.util.Objects.requireNonNull(observer, "observer");
    java.util.Objects.requireNonNull(weightRange, "weightRange");
  }

  /** MinMax calibration, the x86-safe reduced weight range. */
  public static W8A8 defaults() {
    return new W8A8(ObserverKind.MINMAX, WeightRange.REDUCED);
  }

  @Override
  public String describe() {
    return "w8a8(" + observer.cliName() + ")";
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
