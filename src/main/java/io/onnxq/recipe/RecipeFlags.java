package io.onnxq.recipe;

import io.onnxq.OnnxqException;
import io.onnxq.calib.observe.ObserverKind;

/**
 * The convert command's recipe flags as typed, and the one place that turns them into a {@link
 * Recipe}: the cross-flag rules live here, with the one-line errors the CLI prints.
 *
 * @param attnBits null when not given (4 with --lis, else 8)
 */
public record RecipeFlags(
    String method,
    String weightRange,
    boolean full,
    boolean pts,
    boolean lis,
    Integer attnBits,
    int wBits,
    int aBits,
    boolean adalog,
    boolean log2Softmax,
    Refinements refinements) {

  public Recipe toRecipe() {
    int bits = attnBits != null ? attnBits : lis ? 4 : 8;
    FqVit.checkAttnBits(bits, lis);
    Recipe.checkBits(wBits, aBits);
    boolean lowBit = wBits < 8 || aBits < 8 || adalog || log2Softmax;
    if (lowBit && (pts || lis || full)) {
      throw new OnnxqException(
          "--pts/--lis/--full are 8-bit FQ-ViT modes; combine --wbits/--abits with --adalog or --log2-softmax");
    }
    if (adalog && log2Softmax)
      throw new OnnxqException("choose one of --adalog and --log2-softmax");
    if ((refinements.gptq() || refinements.qkBalance()) && !adalog) {
      throw new OnnxqException("--gptq and --qk-balance refine --adalog; add --adalog");
    }
    boolean bc = refinements.biasCorrection();
    ObserverKind observer = ObserverKind.parse(method);
    WeightRange range = WeightRange.parse(weightRange);
    if (adalog) return new AdaLog(wBits, aBits, refinements);
    if (lowBit) return new LowBit(observer, range, wBits, aBits, log2Softmax, bc);
    if (pts || lis || full) return new FqVit(observer, range, pts, lis, bits, bc);
    return new W8A8(observer, range, bc);
  }
}
