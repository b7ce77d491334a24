package io.onnxq.eval;

import io.onnxq.OnnxqException;
import io.onnxq.calib.LayerErrorMeter;
import io.onnxq.calib.Progress;
import io.onnxq.data.Batches;
import io.onnxq.data.Dataset;
import io.onnxq.ort.OrtModel;
import io.onnxq.proto.Onnx.ModelProto;
import java.util.ArrayList;
import java.util.List;

/**
 * Classification accuracy of models on a dataset, optionally against a reference model: top-1 and
 * top-5 on the labels, top-1 agreement and mean logit cosine with the reference. Several models
 * share each decoded batch and the reference's logits.
 */
public final class Evaluator {
  private final int batchSize;
  private final Progress progress;

  public Evaluator(int batchSize, Progress progress) {
    this.batchSize = batchSize;
    this.progress = progress;
  }

  public EvalResult evaluate(ModelProto model, ModelProto refOrNull, Dataset data) {
    return evaluate(List.of(model), refOrNull, data).get(0);
  }

  public List<EvalResult> evaluate(List<ModelProto> models, ModelProto refOrNull, Dataset data) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < models.size(); i++)
      names.add(models.size() == 1 ? "the model" : "model " + (i + 1));
    return evaluate(models, names, refOrNull, "the reference", data);
  }

  /**
   * @param names how errors name each model (e.g. its file)
   * @param refName how errors name the reference
   */
  public List<EvalResult> evaluate(
      List<ModelProto> models,
      List<String> names,
      ModelProto refOrNull,
      String refName,
      Dataset data) {
    if (names.size() != models.size())
      throw new IllegalArgumentException(names.size() + " names for " + models.size() + " models");
    List<OrtModel> sessions = new ArrayList<>();
    try (OrtModel ref = refOrNull == null ? null : new OrtModel(refOrNull)) {
      for (ModelProto m : models) sessions.add(new OrtModel(m));
      List<Tally> tallies = new ArrayList<>();
      for (OrtModel s : sessions) {
        s.checkSampleShape(data.sampleShape(), "evaluation");
        tallies.add(new Tally());
      }
      int n = 0;
      int classes = -1;
      for (Batches.Batch b : new Batches(data, batchSize)) {
        float[] refLogits = ref == null ? null : logits(ref, b, data);
        if (refLogits != null) checkFinite(refLogits, b, refName + " (--ref)");
        for (int i = 0; i < sessions.size(); i++) {
          float[] logits = logits(sessions.get(i), b, data);
          int c = logits.length / b.count();
          if (classes < 0) {
            classes = c;
            checkLabels(data, c, names.get(i));
          } else if (c != classes) {
            throw new OnnxqException(
                names.get(i)
                    + " gives "
                    + c
                    + " classes but "
                    + (i == 0 ? "earlier batches" : names.get(0))
                    + " gave "
                    + classes);
          }
          if (refLogits != null && refLogits.length != logits.length) {
            throw new OnnxqException(
                names.get(i)
                    + " has "
                    + c
                    + " classes but "
                    + refName
                    + " (--ref) has "
                    + refLogits.length / b.count()
                    + "; they cannot be compared");
          }
          checkFinite(logits, b, names.get(i));
          tallies.get(i).add(logits, refLogits, b);
        }
        n += b.count();
        progress.step("evaluating", n, data.size());
      }
      List<EvalResult> out = new ArrayList<>();
      for (Tally t : tallies) out.add(t.result(data.hasLabels(), ref != null));
      return out;
    } finally {
      sessions.forEach(OrtModel::close);
    }
  }

  /**
   * Every label must name one of the model's classes, else top-1/top-5 would read another sample's
   * logits or past the end; checked on all labels before any is scored.
   */
  static void checkLabels(Dataset data, int classes, String model) {
    if (!data.hasLabels()) return;
    for (int i = 0; i < data.size(); i++) {
      long label = data.label(i);
      if (label < 0 || label >= classes) {
        String name = data.sampleName(i);
        throw new OnnxqException(
            "label "
                + label
                + " of sample "
                + i
                + (name.equals("#" + i) ? "" : " (" + name + ")")
                + " is outside the "
                + classes
                + " classes of "
                + model
                + " (0.."
                + (classes - 1)
                + ")");
      }
    }
  }

  /** NaN or infinite logits have no ranking; scoring them would report a meaningless accuracy. */
  static void checkFinite(float[] logits, Batches.Batch b, String model) {
    int classes = logits.length / b.count();
    for (int k = 0; k < logits.length; k++) {
      if (!Float.isFinite(logits[k])) {
        int i = b.start() + k / classes;
        throw new OnnxqException(
            model
                + " produced a non-finite logit ("
                + logits[k]
                + ") for sample "
                + i
                + "; the model is broken or overflows on this input");
      }
    }
  }

  private static float[] logits(OrtModel m, Batches.Batch b, Dataset data) {
    String out = m.outputNames().iterator().next();
    return m.run(b.data(), data.sampleShape(), b.count(), List.of(out)).get(out).floats();
  }

  /** Running counts for one model. */
  private static final class Tally {
    long top1;
    long top5;
    long agree;
    double cosSum;
    double maxDiff;
    int n;

    void add(float[] logits, float[] refLogits, Batches.Batch b) {
      int classes = logits.length / b.count();
      for (int i = 0; i < b.count(); i++) {
        int off = i * classes;
        int pred = argmax(logits, off, classes);
        if (b.labels() != null) {
          long label = b.labels()[i];
          if (pred == label) top1++;
          if (rankOf(logits, off, classes, (int) label) < 5) top5++;
        }
        if (refLogits != null) {
          if (argmax(refLogits, off, classes) == pred) agree++;
          cosSum += LayerErrorMeter.cosine(logits, off, refLogits, off, classes);
          for (int c = 0; c < classes; c++)
            maxDiff = Math.max(maxDiff, Math.abs(logits[off + c] - refLogits[off + c]));
        }
      }
      n += b.count();
    }

    EvalResult result(boolean labels, boolean ref) {
      return new EvalResult(
          n,
          labels ? 100.0 * top1 / n : null,
          labels ? 100.0 * top5 / n : null,
          ref ? 100.0 * agree / n : null,
          ref ? cosSum / n : null,
          ref ? maxDiff : null);
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
