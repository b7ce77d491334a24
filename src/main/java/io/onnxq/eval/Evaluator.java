package io.onnxq.eval;

import io.onnxq.calib.LayerErrorMeter;
import io.onnxq.calib.Progress;
import io.onnxq.data.Batches;
import io.onnxq.data.Dataset;
import io.onnxq.ort.OrtModel;
import io.onnxq.proto.Onnx.ModelProto;
import java.util.List;

/**
 * Classification accuracy of a model on a dataset, optionally against a reference model: top-1 and
 * top-5 on the labels, top-1 agreement and mean logit cosine similarity with the reference.
 */
public final class Evaluator {
  private final int batchSize;
  private final Progress progress;

  public Evaluator(int batchSize, Progress progress) {
    this.batchSize = batchSize;
    this.progress = progress;
  }

  public EvalResult evaluate(ModelProto model, ModelProto refOrNull, Dataset data) {
    try (OrtModel m = new OrtModel(model); OrtModel ref = refOrNull == null ? null : new OrtModel(refOrNull)) {
      m.checkSampleShape(data.sampleShape(), "evaluation");
      String out = m.outputNames().iterator().next();
      String refOut = ref == null ? null : ref.outputNames().iterator().next();
      long top1 = 0;
      long top5 = 0;
      long agree = 0;
      double cosSum = 0;
      int n = 0;
      for (Batches.Batch b : new Batches(data, batchSize)) {
        float[] logits = m.run(b.data(), data.sampleShape(), b.count(), List.of(out)).get(out).floats();
        float[] refLogits = ref == null ? null
            : ref.run(b.data(), data.sampleShape(), b.count(), List.of(refOut)).get(refOut).floats();
        int classes = logits.length / b.count();
        for (int i = 0; i < b.count(); i++) {
          int off = i * classes;
          int pred = argmax(logits, off, classes);
          if (data.hasLabels()) {
            long label = b.labels()[i];
            if (pred == label) top1++;
            if (rankOf(logits, off, classes, (int) label) < 5) top5++;
          }
          if (refLogits != null) {
            if (argmax(refLogits, off, classes) == pred) agree++;
            cosSum += LayerErrorMeter.cosine(logits, off, refLogits, off, classes);
          }
        }
        n += b.count();
        progress.step("evaluating", n, data.size());
      }
      return new EvalResult(n, data.hasLabels() ? 100.0 * top1 / n : null, data.hasLabels() ? 100.0 * top5 / n : null,
          ref == null ? null : 100.0 * agree / n, ref == null ? null : cosSum / n);
    }
  }

  static int argmax(float[] v, int off, int len) {
    int best = 0;
    for (int i = 1; i < len; i++) if (v[off + i] > v[off + best]) best = i;
    return best;
  }

  /** How many classes score strictly higher than {@code cls}. */
  static int rankOf(float[] v, int off, int len, int cls) {
    int rank = 0;
    for (int i = 0; i < len; i++) if (v[off + i] > v[off + cls]) rank++;
    return rank;
  }
}
