package io.onnxq.recipe;

/**
 * AdaLog: FPCS-searched quantizers for every linear layer, adaptive-log-base quantizers for the
 * post-Softmax and post-GELU activations, per-head q/k/v, RepQ-ViT reparameterization of the
 * post-LayerNorm activations.
 */
public record AdaLog(int wBits, int aBits, Refinements refinements) implements Recipe {

  public AdaLog {
    Recipe.checkBits(wBits, aBits);
    java.util.Objects.requireNonNull(refinements, "refinements");
  }

  public static AdaLog of(int wBits, int aBits) {
    return new AdaLog(wBits, aBits, Refinements.NONE);
  }

  public AdaLog withRefinements(Refinements r) {
    return new AdaLog(wBits, aBits, r);
  }

  @Override
  public String describe() {
    return "adalog(W"
        + wBits
        + "A"
        + aBits
        + (refinements.any() ? ", " + refinements.describe() : "")
        + ")";
  }

  @Override
  public boolean needsCompleteBlocks() {
    return true;
  }

  @Override
  public String flagLabel() {
    return "--adalog";
  }
}
