package io.onnxq.quant;

import java.util.Arrays;

/**
 * FQ-ViT power-of-two-factor params: channel c uses scale sBase * 2^alpha[c] with one zero point
 * shared by all channels. The shared zero point and power-of-two ratios are what let the integer
 * LayerNorm rescale channels with bit shifts. Channel = last axis.
 */
public record PtfParams(float sBase, int zeroPoint, int[] alpha, IntRange range) {

  public static final int MAX_ALPHA = 3;

  public PtfParams {
    if (!(sBase > 0f) || !Float.isFinite(sBase)) {
      throw new IllegalArgumentException("sBase " + sBase + " is not positive and finite");
    }
    for (int a : alpha) {
      if (a < 0 || a > MAX_ALPHA) {
        throw new IllegalArgumentException("alpha " + a + " outside [0, " + MAX_ALPHA + "]");
      }
    }
    alpha = alpha.clone();
  }

  @Override
  public int[] alpha() {
    return alpha.clone();
  }

  /** A per-tensor grid as PTF params: every factor 0. */
  public static PtfParams perTensor(QuantParams p, int channels) {
    if (p.isPerChannel()) throw new IllegalArgumentException("per-tensor params expected: " + p);
    return new PtfParams(p.scale(0), p.zeroPoint(0), new int[channels], p.range());
  }

  public int channels() {
    return alpha.length;
  }

  public float channelScale(int c) {
    return sBase * (1 << alpha[c]); // exact: power-of-two multiply
  }

  public float[] channelScales() {
    float[] s = new float[alpha.length];
    for (int c = 0; c < s.length; c++) {
      s[c] = channelScale(c);
    }
    return s;
  }

  /** Equivalent per-channel QDQ params; {@code axis} is the channel (last) axis of the tensor. */
  public QuantParams toQuantParams(int axis) {
    int[] z = new int[alpha.length];
    Arrays.fill(z, zeroPoint);
    return QuantParams.perChannel(channelScales(), z, axis, range);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PtfParams p
        && Float.compare(sBase, p.sBase) == 0
        && zeroPoint == p.zeroPoint
        && Arrays.equals(alpha, p.alpha)
        && range.equals(p.range);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * (31 * Float.hashCode(sBase) + zeroPoint) + Arrays.hashCode(alpha))
        + range.hashCode();
  }

  @Override
  public String toString() {
    return "PtfParams[sBase="
        + sBase
        + ", z="
        + zeroPoint
        + ", channels="
        + alpha.length
        + ", "
        + range
        + "]";
  }
}
