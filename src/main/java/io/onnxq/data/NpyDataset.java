package io.onnxq.data;

import io.onnxq.OnnxqException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Samples from a float32 N x ... .npy file (row i = sample i), read one row at a time so the whole
 * tensor is never held in memory. Labels, if given, come from a 1-D integer .npy of length N. The
 * data is taken as already preprocessed.
 */
public final class NpyDataset implements Dataset {
  private final NpyArray data;
  private final int[] sampleShape;
  private final int size;
  private final long[] labels;

  /**
   * @param labelsOrNull 1-D int32/int64/uint8 .npy with one label per row of data, or null
   * @param limit keep only the first {@code limit} samples; <= 0 keeps all
   */
  public NpyDataset(Path dataFile, Path labelsOrNull, int limit) {
    data = NpyArray.read(dataFile);
    if (!data.dtype().equals("<f4")) {
      throw new OnnxqException(
          "data file " + dataFile + " must be float32 ('<f4'), found '" + data.dtype() + "'");
    }
    long[] shape = data.shape();
    if (shape.length < 2) {
      throw new OnnxqException(
          "data file "
              + dataFile
              + " must have a batch dimension (e.g. N x 3 x 224 x 224), found shape "
              + Arrays.toString(shape));
    }
    if (shape[0] == 0) {
      throw new OnnxqException("data file " + dataFile + " holds no samples");
    }
    long n = shape[0];
    sampleShape = new int[shape.length - 1];
    long len = 1;
    for (int i = 1; i < shape.length; i++) {
      len *= shape[i]; // cannot overflow: NpyArray bounds the element count
      if (len > Integer.MAX_VALUE / 2) {
        break;
      }
      sampleShape[i - 1] = (int) shape[i];
    }
    if (len > Integer.MAX_VALUE / 2) {
      throw new OnnxqException("samples in " + dataFile + " are too large: " + len + " elements");
    }
    if (n > Integer.MAX_VALUE) {
      throw new OnnxqException("too many samples in " + dataFile + ": " + n);
    }
    size = (int) (limit > 0 ? Math.min(limit, n) : n);
    labels = labelsOrNull == null ? null : readLabels(labelsOrNull, n, size);
  }

  private static long[] readLabels(Path file, long n, int keep) {
    NpyArray a = NpyArray.read(file);
    long[] shape = a.shape();
    if (shape.length != 1) {
      throw new OnnxqException(
          "labels file " + file + " must be 1-D, found shape " + Arrays.toString(shape));
    }
    if (shape[0] != n) {
      throw new OnnxqException(
          "labels file " + file + " has " + shape[0] + " entries but data has " + n + " samples");
    }
    return Arrays.copyOf(a.asLongs(), keep);
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public int[] sampleShape() {
    return sampleShape.clone();
  }

  @Override
  public float[] sample(int index) {
    checkIndex(index);
    return data.readFloatRows(index, 1);
  }

  @Override
  public boolean hasLabels() {
    return labels != null;
  }

  @Override
  public long label(int index) {
    if (labels == null) {
      return Dataset.super.label(index);
    }
    checkIndex(index);
    return labels[index];
  }

  @Override
  public String sampleName(int index) {
    return data.file().getFileName() + "[" + index + "]";
  }

  @Override
  public String describe() {
    return data.file().getFileName()
        + " ("
        + size
        + " samples of "
        + Arrays.toString(sampleShape)
        + ", float32 npy"
        + (labels != null ? ", labelled" : "")
        + ")";
  }

  private void checkIndex(int index) {
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException("sample " + index + " of " + size);
    }
  }
}
