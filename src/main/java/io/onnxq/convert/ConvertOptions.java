package io.onnxq.convert;

import io.onnxq.calib.observe.ObserverKind;

/**
 * Everything that shapes a conversion. Defaults give W8A8 QDQ around the linear layers and
 * attention matmuls, MinMax calibration and the x86-safe reduced weight range.
 *
 * @param method activation observer
 * @param weightRange REDUCED = 7-bit symmetric [-63, 63], safe on x86 CPUs without VNNI where ORT's
 *     u8*s8 kernels saturate; FULL = [-127, 127]
 * @param full FQ-ViT placement: residual stream, LayerNorm in/out, qkv, logits, branch outputs and the
 *     model output are quantized too (implied by pts and lis)
 * @param pts power-of-two-factor quantization of LayerNorm inputs and integer LayerNorm
 * @param lis integer log2 softmax with 4-bit attention probabilities (when attnBits is 4)
 * @param attnBits bits of the attention probabilities: 4 (log2 codes with LIS) or 8 (uniform)
 * @param batchSize calibration batch size
 * @param emit FUNCTIONS = custom ops with model-local function bodies; INLINE = bodies expanded
 * @param wBits weight bits (8 = symmetric int8; fewer = asymmetric unsigned per channel)
 * @param aBits activation bits (the patch-embedding input stays 8-bit)
 * @param probs quantizer of the attention probabilities at low bits: uniform, fixed log2, or AdaLog
 * @param adalog AdaLog: FPCS searches for every quantizer, AdaLog on post-Softmax and post-GELU,
 *     per-head q/k/v, RepQ-ViT reparameterization of post-LayerNorm activations
 * @param refine optional additions to the AdaLog search (off by default)
 */
public record ConvertOptions(ObserverKind method, WeightRange weightRange, boolean full, boolean pts, boolean lis,
    int attnBits, int batchSize, Emit emit, int wBits, int aBits, Probs probs, boolean adalog, Refinements refine) {

  /**
   * Additions to the AdaLog search that are not part of the AdaLog paper.
   *
   * @param biasCorrection subtract each quantized linear's mean output error from its bias
   * @param gptq error-compensated (GPTQ) rounding of the weights on the searched per-channel grids
   * @param qkBalance per-channel rebalancing of q and k, folded into the qkv weights
   */
  public record Refinements(boolean biasCorrection, boolean gptq, boolean qkBalance) {
    public static final Refinements NONE = new Refinements(false, false, false);

    public boolean any() { return biasCorrection || gptq || qkBalance; }
  }

  public enum Probs { UNIFORM, LOG2, ADALOG }

  public enum WeightRange { REDUCED, FULL }

  public enum Emit { FUNCTIONS, INLINE }

  public static ConvertOptions defaults() {
    return new ConvertOptions(ObserverKind.MINMAX, WeightRange.REDUCED, false, false, false, 8, 8, Emit.FUNCTIONS, 8, 8,
        Probs.UNIFORM, false, Refinements.NONE);
  }

  public boolean fullPlacement() { return full || pts || lis; }

  /** The log-int softmax path: LIS with 4-bit codes. */
  public boolean logIntSoftmax() { return lis && attnBits == 4; }

  public ConvertOptions withMethod(ObserverKind m) {
    return new ConvertOptions(m, weightRange, full, pts, lis, attnBits, batchSize, emit, wBits, aBits, probs, adalog, refine);
  }

  /** FQ-ViT configuration: full placement, optional PTS, optional LIS (4-bit attention). */
  public ConvertOptions withFqVit(boolean pts, boolean lis) {
    return new ConvertOptions(method, weightRange, true, pts, lis, lis ? 4 : 8, batchSize, emit, wBits, aBits, probs, adalog, refine);
  }

  /** Low-bit W/A with the given probability quantizer; ADALOG also turns on the searches. */
  public ConvertOptions withLowBit(int w, int a, Probs p) {
    return new ConvertOptions(method, weightRange, false, false, false, a, batchSize, emit, w, a, p, p == Probs.ADALOG, refine);
  }

  /** Low-bit or AdaLog conversions use opset-21 features (4-bit weights, AdaLog ops). */
  public boolean lowBit() { return wBits < 8 || aBits < 8 || probs != Probs.UNIFORM; }

  public ConvertOptions withRefinements(Refinements r) {
    return new ConvertOptions(method, weightRange, full, pts, lis, attnBits, batchSize, emit, wBits, aBits, probs, adalog, r);
  }

  /** The calibration batch size; a model that runs only at one batch overrides the requested one. */
  public ConvertOptions withBatchSize(int b) {
    return new ConvertOptions(method, weightRange, full, pts, lis, attnBits, b, emit, wBits, aBits, probs, adalog, refine);
  }

  public ConvertOptions withEmit(Emit e) {
    return new ConvertOptions(method, weightRange, full, pts, lis, attnBits, batchSize, e, wBits, aBits, probs, adalog, refine);
  }
}
