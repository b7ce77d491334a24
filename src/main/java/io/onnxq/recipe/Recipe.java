package io.onnxq.recipe;

/**
 * What a conversion does, as one validated value per workflow: {@link W8A8} (observer-calibrated
 * QDQ around the linear layers and attention matmuls), {@link FqVit} (FQ-ViT placement with
 * optional PTS and LIS), {@link LowBit} (n-bit uniform, optionally log2 attention probabilities)
 * {@link AdaLog} (searched quantizers) and {@link PtqVit} (Liu et al. 2021's similarity-aware
 * searches). Constructors refuse invalid combinations, so a recipe that exists can be converted.
 */
public sealed interface Recipe permits W8A8, FqVit, LowBit, AdaLog, PtqVit {

  /** Short name for logs and reports, e.g. {@code fqvit(pts, lis, minmax)}. */
  String describe();

  /** Whether every transformer block must be recognised completely before calibration. */
  boolean needsCompleteBlocks();

  /** The flag spelling used when a model lacks what the recipe needs (e.g. {@code --pts/--lis}). */
  String flagLabel();

  /** Bit widths the uniform low-bit paths support (3, 4, 6, 8). */
  static void checkBits(int... bits) {
    for (int b : bits) {
      if (b != 3 && b != 4 && b != 6 && b != 8) {
        throw new io.onnxq.OnnxqException("--wbits/--abits must be 3, 4, 6 or 8, got " + b);
      }
    }
  }
}
