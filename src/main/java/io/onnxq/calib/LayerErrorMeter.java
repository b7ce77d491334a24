package io.onnxq.calib;

import io.onnxq.data.Batches;
import io.onnxq.data.Dataset;
import io.onnxq.ort.OrtModel;
import io.onnxq.proto.Onnx.ModelProto;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares the same intermediate tensors in the FP32 and the quantized model on a few calibration
 * samples: per-layer SQNR and cosine similarity, to find the layers that lose the most.
 */
public final class LayerErrorMeter {
  public record LayerError(String tensor, double sqnrDb, double cosine) {}

  private LayerErrorMeter() {}

  /**
   * @param samples the first {@code samples} samples are compared
   * @param batchSize both models run in batches of this size: a model that runs only at one batch
   *     (see {@code BatchProbe}) runs at that one, and its quantized model inherits the constraint
   */
  public static List<LayerError> measure(
      ModelProto fp32,
      ModelProto quant,
      List<String> tensors,
      Dataset data,
      int samples,
      int batchSize) {
    int n = Math.min(samples, data.size());
    List<Batches.Batch> batches = new ArrayList<>();
    Batches all = new Batches(data, Math.min(batchSize, n));
    for (int start = 0; start < n; start += batches.get(batches.size() - 1).count())
      batches.add(all.load(start));
    Map<String, float[]> ref = runAll(fp32, tensors, batches, data);
    Map<String, float[]> q = runAll(quant, tensors, batches, data);
    List<LayerError> out = new ArrayList<>();
    for (String t : tensors) {
      float[] x = ref.get(t);
      float[] y = q.get(t);
      out.add(new LayerError(t, sqnrDb(x, y), cosine(x, y)));
    }
    return out;
  }

  /** Each tapped tensor over all batches, concatenated in sample order. */
  private static Map<String, float[]> runAll(
      ModelProto model, List<String> tensors, List<Batches.Batch> batches, Dataset data) {
    Map<String, List<float[]>> parts = new LinkedHashMap<>();
    try (OrtModel m = new OrtModel(TapInserter.withOutputs(model, tensors))) {
      for (Batches.Batch b : batches) {
        for (Map.Entry<String, OrtModel.Output> e :
            m.run(b.data(), data.sampleShape(), b.count(), tensors).entrySet()) {
          parts.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue().floats());
        }
      }
    }
    Map<String, float[]> out = new LinkedHashMap<>();
    for (Map.Entry<String, List<float[]>> e : parts.entrySet()) {
      int len = 0;
      for (float[] p : e.getValue()) len += p.length;
      float[] all = new float[len];
      int off = 0;
      for (float[] p : e.getValue()) {
        System.arraycopy(p, 0, all, off, p.length);
        off += p.length;
      }
      out.put(e.getKey(), all);
    }
    return out;
  }

  public static double sqnrDb(float[] ref, float[] test) {
    double signal = 0;
    double noise = 0;
    for (int i = 0; i < ref.length; i++) {
      signal += (double) ref[i] * ref[i];
      double d = (double) ref[i] - test[i];
      noise += d * d;
    }
    return noise == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(signal / noise);
  }

  public static double cosine(float[] a, float[] b) {
    return cosine(a, 0, b, 0, a.length);
  }

  public static double cosine(float[] a, int offA, float[] b, int offB, int len) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < len; i++) {
      double x = a[offA + i];
      double y = b[offB + i];
      dot += x * y;
      na += x * x;
      nb += y * y;
    }
    return na == 0 || nb == 0 ? (na == nb ? 1 : 0) : dot / Math.sqrt(na * nb);
  }
}
