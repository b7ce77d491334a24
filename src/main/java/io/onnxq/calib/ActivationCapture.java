package io.onnxq.calib;

import io.onnxq.data.Batches;
import io.onnxq.data.Dataset;
import io.onnxq.ort.OrtModel;
import io.onnxq.proto.Onnx.ModelProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps FP32 activations for the output-error searches: token rows of linear-layer inputs
 * (sub-sampled with a fixed stride to at most {@code maxRows}) and whole attention tensors of the
 * first {@code wholeSamples} images. Searches read these instead of re-running the model.
 */
public final class ActivationCapture {
  /**
   * A captured tensor: for row taps {@code shape = [rows, channels]}, else the batch-major shape.
   */
  public record Captured(float[] data, long[] shape) {
    public int rows() {
      return (int) shape[0];
    }

    public int lastDim() {
      return (int) shape[shape.length - 1];
    }

    /** A copy to transform, leaving this capture as it was. */
    public Captured copy() {
      return new Captured(data.clone(), shape.clone());
    }
  }

  /**
   * How row taps are sub-sampled: at most {@code maxRows} in all with one stride over the data set,
   * or, with {@code perSample > 0}, exactly min(perSample, rows of one sample) evenly spaced rows
   * of every sample, so per-sample objectives can tell the samples apart (row r belongs to sample r
   * / perSample).
   */
  public record Rows(int maxRows, int perSample) {
    public static Rows total(int maxRows) {
      return new Rows(maxRows, 0);
    }

    public static Rows perSample(int rows) {
      if (rows < 1) throw new IllegalArgumentException("rows per sample must be at least 1");
      return new Rows(0, rows);
    }
  }

  private ActivationCapture() {}

  /**
   * @param rowTaps tensors kept as sampled rows of their last axis
   * @param wholeTaps tensors kept whole for the first {@code wholeSamples} samples
   */
  public static Map<String, Captured> run(
      ModelProto fp32,
      List<String> rowTaps,
      List<String> wholeTaps,
      Dataset data,
      int batchSize,
      int maxRows,
      int wholeSamples,
      Progress progress) {
    return run(
        fp32, rowTaps, wholeTaps, data, batchSize, Rows.total(maxRows), wholeSamples, progress);
  }

  /** As above, with rows sampled as {@code sampling} says. */
  public static Map<String, Captured> run(
      ModelProto fp32,
      List<String> rowTaps,
      List<String> wholeTaps,
      Dataset data,
      int batchSize,
      Rows sampling,
      int wholeSamples,
      Progress progress) {
    List<String> names = new ArrayList<>(rowTaps);
    for (String t : wholeTaps) if (!names.contains(t)) names.add(t);
    Map<String, List<float[]>> chunks = new HashMap<>();
    Map<String, long[]> sampleShape = new HashMap<>();
    Map<String, Integer> stride = new HashMap<>();
    try (OrtModel ort = new OrtModel(TapInserter.withOutputs(fp32, names))) {
      ort.checkSampleShape(data.sampleShape(), "calibration");
      int done = 0;
      for (Batches.Batch b : new Batches(data, batchSize)) {
        Map<String, OrtModel.Output> out = ort.run(b.data(), data.sampleShape(), b.count(), names);
        for (Map.Entry<String, OrtModel.Output> e : out.entrySet())
          Calibrator.checkFinite(e.getKey(), e.getValue().floats(), b);
        for (String t : rowTaps) {
          OrtModel.Output o = out.get(t);
          int c = o.lastDim();
          int rows = o.floats().length / c;
          float[] kept;
          if (sampling.perSample() > 0) {
            kept = perSample(o.floats(), rows / b.count(), c, b.count(), sampling.perSample());
          } else {
            int maxRows = sampling.maxRows();
            // One stride for the whole data set, fixed by the first batch's rows per sample.
            int s =
                stride.computeIfAbsent(
                    t,
                    k ->
                        Math.max(
                            1, (int) Math.ceil((double) rows / b.count() * data.size() / maxRows)));
            kept = new float[((rows + s - 1) / s) * c];
            int n = 0;
            for (int r = 0; r < rows; r += s) System.arraycopy(o.floats(), r * c, kept, c * n++, c);
            kept = java.util.Arrays.copyOf(kept, n * c);
          }
          chunks.computeIfAbsent(t, k -> new ArrayList<>()).add(kept);
          sampleShape.put(t, new long[] {-1, c});
        }
        for (String t : wholeTaps) {
          if (done >= wholeSamples) break;
          OrtModel.Output o = out.get(t);
          int take = Math.min(b.count(), wholeSamples - done);
          int per = o.floats().length / b.count();
          chunks
              .computeIfAbsent(t + "#whole", k -> new ArrayList<>())
              .add(java.util.Arrays.copyOf(o.floats(), take * per));
          sampleShape.put(t + "#whole", o.shape());
        }
        done += b.count();
        progress.step("capturing activations", done, data.size());
      }
    }
    Map<String, Captured> result = new HashMap<>();
    for (String t : rowTaps) result.put(t, concat(chunks.get(t), sampleShape.get(t), true));
    for (String t : wholeTaps)
      result.put(t, concat(chunks.get(t + "#whole"), sampleShape.get(t + "#whole"), false));
    return result;
  }

  /** min(keep, per) evenly spaced rows of each of {@code samples} blocks of {@code per} rows. */
  private static float[] perSample(float[] x, int per, int c, int samples, int keep) {
    int k = Math.min(keep, per);
    float[] out = new float[samples * k * c];
    for (int n = 0; n < samples; n++) {
      for (int j = 0; j < k; j++) {
        int r = n * per + (int) ((long) j * per / k);
        System.arraycopy(x, r * c, out, (n * k + j) * c, c);
      }
    }
    return out;
  }

  private static Captured concat(List<float[]> parts, long[] shape, boolean rows) {
    int total = 0;
    for (float[] p : parts) total += p.length;
    float[] all = new float[total];
    int off = 0;
    for (float[] p : parts) {
      System.arraycopy(p, 0, all, off, p.length);
      off += p.length;
    }
    long[] s = shape.clone();
    long per = 1;
    for (int i = 1; i < s.length; i++) per *= s[i];
    s[0] = total / per;
    return new Captured(all, s);
  }
}
