package io.onnxq.quant;

import java.util.Arrays;

/**
 * Scale(s) and zero point(s) of a QuantizeLinear/DequantizeLinear pair. Per tensor when {@code axis
 * == -1} (arrays of length 1), otherwise one entry per slice along {@code axis}.
 *
 * <p>Arrays are copied on the way in and out, so instances are immutable.
 */
public record QuantParams(float[] scale, int[] zeroPoint, int axis, IntRange range) {

  public QuantParams {
    if (scale.length == 0 || scale.length != zeroPoint.length) {
      throw new IllegalArgumentException(
          "scale/zero-point lengths differ or are empty: "
              + scale.length
              + " vs "
              + zeroPoint.length);
    }
    if (axis < -1) {
      throw new IllegalArgumentException("axis " + axis + " < -1");
    }
    if (axis == -1 && scale.length != 1) {
      throw new IllegalArgumentException("per-tensor params need exactly one scale");
    }
    for (int c = 0; c < scale.length; c++) {
      if (!(scale[c] > 0f) || !Float.isFinite(scale[c])) {
        throw new IllegalArgumentException(
            "scale[" + c + "] = " + scale[c] + " is not positive and finite");
      }
      if (zeroPoint[c] < range.qmin() || zeroPoint[c] > range.qmax()) {
        throw new IllegalArgumentException("zero point " + zeroPoint[c] + " outside " + range);
      }
    }
    scale = scale.clone();
    zeroPoint = zeroPoint.clone();
  }

  public static QuantParams perTensor(float s, int z, IntRange range) {
    return new QuantParams(new float[] {s}, new int[] {z}, -1, range);
  }

  public static QuantParams perChannel(float[] s, int[] z, int axis, IntRange range) {
    if (axis < 0) {
      throw new IllegalArgumentException("per-channel params need a channel axis >= 0");
    }
    return new QuantParams(s, z, axis, range);
  }

  /** The same grid per tensor when every channel has the same scale and zero point, else this. */
  public QuantParams collapsed() {
    if (!isPerChannel()) return this;
    for (int c = 1; c < channels(); c++) {
      if (Float.compare(scale(c), scale(0)) != 0 || zeroPoint(c) != zeroPoint(0)) return this;
    }
    return perTensor(scale(0), zeroPoint(0), range);
  }

  public boolean isPerChannel() {
    return axis >= 0;
  }

  public int channels() {
    return scale.length;
  }

  /** Scale of channel c; per-tensor params answer their single scale for any c. */
  public float scale(int c) {
    return scale[isPerChannel() ? c : 0];
  }

  public int zeroPoint(int c) {
    return zeroPoint[isPerChannel() ? c : 0];
  }

  @Override
  public float[] scale() {
    return scale.clone();
  }

  @Override
  public int[] zeroPoint() {
    return zeroPoint.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof QuantParams p
        && axis == p.axis
        && range.equals(p.range)
        && Arrays.equals(scale, p.scale)
        && Arrays.equals(zeroPoint, p.zeroPoint);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * (31 * Arrays.hashCode(scale) + Arrays.hashCode(zeroPoint)) + axis)
        + range.hashCode();
  }

  @Override
  public String toString() {
    return isPerChannel()
        ? "QuantParams[axis=" + axis + ", channels=" + scale.length + ", " + range + "]"
        : "QuantParams[s=" + scale[0] + ", z=" + zeroPoint[0] + ", " + range + "]";
  }
}
