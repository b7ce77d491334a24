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

  public static List<LayerError> measure(ModelProto fp32, ModelProto quant, List<String> tensors, Dataset data,
      int samples) {
    int n = Math.min(samples, data.size());
    Batches.Batch batch = new Batches(data, n).load(0);
    Map<String, OrtModel.Output> ref;
    Map<String, OrtModel.Output> q;
    try (OrtModel a = new OrtModel(TapInserter.withOutputs(fp32, tensors))) {
      ref = a.run(batch.data(), data.sampleShape(), batch.count(), tensors);
    }
    try (OrtModel b = new OrtModel(TapInserter.withOutputs(quant, tensors))) {
      q = b.run(batch.data(), data.sampleShape(), batch.count(), tensors);
    }
    List<LayerError> out = new ArrayList<>();
    for (String t : tensors) {
      float[] x = ref.get(t).floats();
      float[] y = q.get(t).floats();
      out.add(new LayerError(t, sqnrDb(x, y), cosine(x, y)));
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
