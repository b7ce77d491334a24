package io.onnxq.recipe;

import io.onnxq.OnnxqException;
import io.onnxq.calib.observe.ObserverKind;

/**
 * FQ-ViT: the full placement (residual stream, LayerNorm inputs and outputs, qkv, logits, branch
 * outputs and the model output are 8-bit too), optionally with PTS (power-of-two-factor LayerNorm
 * inputs and integer LayerNorm) and LIS (integer log2 softmax).
 *
 * @param attnBits bits of the attention probabilities: 4 (log2 codes, needs LIS) or 8 (uniform)
 * @param biasCorrection subtract each quantized linear's mean output error on the calibration data
 *     from its bias (Liu et al. 2021)
 * @param gelu how GELU runs; an integer mode reads fc1's quantized output and writes fc2's input
 *     codes
 */
public record FqVit(
    ObserverKind observer,
    WeightRange weightRange,
    boolean pts,
    boolean lis,
    int attnBits,
    boolean biasCorrection,
    GeluMode gelu)
    implements Recipe {

  public FqVit {
    java.util.Objects.requireNonNull(observer, "observer");
    java.util.Objects.requireNonNull(gelu, "gelu");
    java.util.Objects.requireNonNull(weightRange, "weightRange");
    checkAttnBits(attnBits, lis);
  }

  public FqVit(
      ObserverKind observer,
      WeightRange weightRange,
      boolean pts,
      boolean lis,
      int attnBits,
      boolean biasCorrection) {
    this(observer, weightRange, pts, lis, attnBits, biasCorrection, GeluMode.FLOAT);
  }

  public FqVit(
      ObserverKind observer, WeightRange weightRange, boolean pts, boolean lis, int attnBits) {
    this(observer, weightRange, pts, lis, attnBits, false);
  }

  /** Probabilities are 8-bit uniform or 4-bit log2 codes, and only LIS writes log2 codes. */
  static void checkAttnBits(int attnBits, boolean lis) {
    if (attnBits != 4 && attnBits != 8) {
      throw new OnnxqException("--attn-bits must be 4 or 8, got " + attnBits);
    }
    if (attnBits == 4 && !lis) {
      throw new OnnxqException("--attn-bits 4 needs --lis (4-bit attention uses log2 codes)");
    }
  }

  /** The published configuration: LIS runs at 4-bit attention. */
  public static FqVit of(ObserverKind observer, boolean pts, boolean lis) {
    return new FqVit(observer, WeightRange.REDUCED, pts, lis, lis ? 4 : 8);
  }

  /** GELU runs on integer codes (fc1's output is quantized). */
  public boolean intGelu() {
    return gelu.integer();
  }

  /** LIS with 4-bit codes: the softmax and attn*V become integer ops. */
  public boolean logIntSoftmax() {
    return lis && attnBits == 4;
  }

  @Override
  public String describe() {
    String parts =
        (pts ? "pts, " : "")
            + (lis ? "lis, " : "")
            + (intGelu() ? "int-gelu " + gelu.cliName() + ", " : "")
            + (pts || lis || intGelu() ? "" : "full, ");
    return "fqvit("
        + parts
        + "attn "
        + attnBits
        + "-bit, "
        + observer.cliName()
        + (biasCorrection ? ", bias correction" : "")
        + ")";
  }

  @Override
  public boolean needsCompleteBlocks() {
    return true;
  }

  @Override
  public String flagLabel() {
    return pts || lis ? "--pts/--lis" : intGelu() ? "--int-gelu" : "--full";
  }
}
