package io.onnxq.recipe;

import java.util.ArrayList;
import java.util.List;

/**
 * Additions to the AdaLog search that are not part of the AdaLog paper.
 *
 * @param biasCorrection subtract each quantized linear's mean output error from its bias
 * @param gptq error-compensated (GPTQ) rounding of the weights on the searched per-channel grids
 * @param qkBalance per-channel rebalancing of q and k, folded into the qkv weights
 */
public record Refinements(boolean biasCorrection, boolean gptq, boolean qkBalance) {
  public static final Refinements NONE = new Refinements(false, false, false);

  public boolean any() {
    return biasCorrection || gptq || qkBalance;
  }

  String describe() {
    List<String> on = new ArrayList<>();
    if (biasCorrection) on.add("bias correction");
    if (gptq) on.add("gptq");
    if (qkBalance) on.add("q/k balance");
    return String.join(", ", on);
  }
}
