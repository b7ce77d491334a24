package io.onnxq.data;

/** Samples for calibration and evaluation, already preprocessed to the model's input layout. */
public interface Dataset {
  int size();

  /** Shape of one sample without the batch dimension, e.g. {3, 224, 224}. */
  int[] sampleShape();

  /** Sample {@code index} as CHW float32; may decode or read from disk on every call. */
  float[] sample(int index);

  default boolean hasLabels() {
    return false;
  }

  /** Class index of sample {@code index}; only when {@link #hasLabels()}. */
  default long label(int index) {
    throw new UnsupportedOperationException(describe() + " has no labels");
  }

  /** A human-readable name for the sample (file name or index), for reports and errors. */
  default String sampleName(int index) {
    return "#" + index;
  }

  /** E.g. "imagenet-sample (1000 images, deit preprocessing)". */
  String describe();

  /** Number of floats in one sample. */
  default int sampleLength() {
    long n = 1;
    for (int d : sampleShape()) {
      n *= d;
    }
    return Math.toIntExact(n);
  }
}
