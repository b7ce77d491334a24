package io.onnxq.recipe;

import io.onnxq.OnnxqException;

/**
 * A mixed-precision target, counted at nominal bit widths as Liu et al. 2021 count model size:
 * every quantized weight at its width, everything else at 32 bits.
 */
public sealed interface SizeBudget {

  /** The width the candidate set centres on, given the recipe's weight width. */
  int centreBits(int recipeWBits);

  /** The weight-averaged bit width over the quantized weights ({@code --avg-bits}). */
  record AvgBits(double bits) implements SizeBudget {
    public AvgBits {
      if (!(bits >= 2 && bits <= 8))
        throw new OnnxqException("--avg-bits must be 2 to 8, got " + bits);
    }

    @Override
    public int centreBits(int recipeWBits) {
      return (int) Math.round(bits);
    }
  }

  /** The nominal model size in MB of 10^6 bytes ({@code --target-size}). */
  record TargetSize(double megabytes) implements SizeBudget {
    public TargetSize {
      if (!(megabytes > 0) || !Double.isFinite(megabytes))
        throw new OnnxqException("--target-size must be a positive number of MB, got " + megabytes);
    }

    @Override
    public int centreBits(int recipeWBits) {
      return recipeWBits;
    }
  }

  /** From the two flags (either may be null); null when neither is given. */
  static SizeBudget of(Double avgBits, Double targetSizeMb) {
    if (avgBits != null && targetSizeMb != null)
      throw new OnnxqException("choose one of --avg-bits and --target-size");
    if (avgBits != null) return new AvgBits(avgBits);
    if (targetSizeMb != null) return new TargetSize(targetSizeMb);
    return null;
  }
}
