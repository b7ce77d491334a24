package io.onnxq.calib.search;

import io.onnxq.quant.IntRange;
import io.onnxq.quant.QuantParams;
import io.onnxq.quant.UniformQuantizer;

/**
 * Asymmetric uniform quantizer per group (tensor, head or output channel) on the unsigned grid [0,
 * 2^bits - 1]. Arrays are copied in and out.
 */
public record UniformChoice(float[] scale, int[] zeroPoint, int bits) implements ActivationChoice {

  public UniformChoice {
    if (scale.length == 0 || scale.length != zeroPoint.length) {
      throw new IllegalArgumentException("scale/zero-point lengths differ or are empty");
    }
    scale = scale.clone();
    zeroPoint = zeroPoint.clone();
  }

  public static UniformChoice single(float s, int z, int bits) {
    return new UniformChoice(new float[] {s}, new int[] {z}, bits);
  }

  public IntRange range() {
    return IntRange.uint(bits);
  }

  public int groups() {
    return scale.length;
  }

  public float scale(int g) {
    return scale[g];
  }

  public int zeroPoint(int g) {
    return zeroPoint[g];
  }

  @Override
  public float[] scale() {
    return scale.clone();
  }

  @Override
  public int[] zeroPoint() {
    return zeroPoint.clone();
  }

  /** QDQ params: per tensor for one group, else one entry per slice along {@code axis}. */
  public QuantParams params(int axis) {
    return groups() == 1 && axis < 0
        ? QuantParams.perTensor(scale[0], zeroPoint[0], range())
        : QuantParams.perChannel(scale, zeroPoint, axis, range());
  }

  public float fakeQuant(float x, int group) {
    return UniformQuantizer.fakeQuant(x, scale[group], zeroPoint[group], range());
  }

  @Override
  public float fakeQuant(float x) {
    return fakeQuant(x, 0);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof UniformChoice u
        && bits == u.bits
        && java.util.Arrays.equals(scale, u.scale)
        && java.util.Arrays.equals(zeroPoint, u.zeroPoint);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * java.util.Arrays.hashCode(scale) + java.util.Arrays.hashCode(zeroPoint))
        + bits;
  }

  @Override
  public String toString() {
    return groups() == 1
        ? "Uniform[n=" + bits + ", s=" + scale[0] + ", z=" + zeroPoint[0] + "]"
        : "Uniform[n=" + bits + ", groups=" + groups() + "]";
  }
}
