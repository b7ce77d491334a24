package io.onnxq.recipe;

import io.onnxq.OnnxqException;
import io.onnxq.calib.search.SimilarityGrid;

/**
 * Liu et al. 2021 ("Post-Training Quantization for Vision Transformer"): every linear layer's
 * weight and input scales by the similarity-aware alternating search, the attention matmuls'
 * operands by the same search (Q*K^T with the ranking loss when {@code ranking}), optionally bias
 * correction. The grids are the paper's symmetric per-tensor ones or the project's ({@link
 * SimilarityGrid}). Softmax and LayerNorm stay float, as in the paper.
 */
public record PtqVit(
    int wBits, int aBits, SimilarityGrid grid, boolean ranking, boolean biasCorrection)
    implements Recipe {

  /** Widths the searched uniform grids support. */
  public static final int MIN_BITS = 3;

  public static final int MAX_BITS = 8;

  public PtqVit {
    java.util.Objects.requireNonNull(grid, "grid");
    for (int b : new int[] {wBits, aBits}) {
      if (b < MIN_BITS || b > MAX_BITS)
        throw new OnnxqException(
            "--wbits/--abits with --similarity must be "
                + MIN_BITS
                + " to "
                + MAX_BITS
                + ", got "
                + b);
    }
  }

  @Override
  public String describe() {
    return "similarity(W"
        + wBits
        + "A"
        + aBits
        + ", "
        + grid.name().toLowerCase(java.util.Locale.ROOT)
        + " grid"
        + (ranking ? ", ranking" : "")
        + (biasCorrection ? ", bias correction" : "")
        + ")";
  }

  @Override
  public boolean needsCompleteBlocks() {
    return false;
  }

  @Override
  public String flagLabel() {
    return "--similarity";
  }
}
