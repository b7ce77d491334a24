package io.onnxq.calib.observe;

/** A closed real interval [min, max] chosen by an observer. */
public record ValueRange(float min, float max) {
  public ValueRange {
    if (!(min <= max)) {
      throw new IllegalArgumentException("invalid range [" + min + ", " + max + "]");
    }
  }

  public float absMax() {
    return Math.max(Math.abs(min), Math.abs(max));
  }
}
