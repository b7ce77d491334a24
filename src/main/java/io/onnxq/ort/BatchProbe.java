package io.onnxq.ort;

import io.onnxq.OnnxqException;
import io.onnxq.proto.Onnx.ModelProto;
import io.onnxq.proto.Onnx.TensorProto;
import io.onnxq.proto.Onnx.TensorShapeProto;
import io.onnxq.proto.Onnx.ValueInfoProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Whether a model runs at any batch size or only at one. Real exports often run at one: the dynamo
 * exporter declares static input shapes, and traced attention (torchvision's vit_b_16) bakes batch
 * 1 into Reshape shape constants behind a dynamic input, so ORT fails at batch 8 (or, with a -1 in
 * the right place, silently mixes the samples of a batch). Every command that runs batches asks
 * {@link #limit} once up front, instead of failing halfway with ORT's raw message.
 */
public final class BatchProbe {
  /** Relative difference above which batch 2 is taken to compute something else than batch 1. */
  private static final double MIX_TOLERANCE = 1e-2;

  /**
   * @param batch the only batch size the model runs at, or 0 when it runs at any
   * @param reason one line saying how that was found
   */
  public record Limit(int batch, String reason) {
    public static final Limit ANY = new Limit(0, "runs at any batch size");

    public boolean fixed() {
      return batch > 0;
    }

    /** The batch size to run at when {@code requested} is asked for. */
    public int batchSize(int requested) {
      return fixed() ? batch : requested;
    }

    /**
     * {@code samples} rounded up to whole batches, so a fixed-batch model never sees a short last
     * batch.
     */
    public int wholeBatches(int samples) {
      return fixed() ? Math.max(1, (samples + batch - 1) / batch) * batch : samples;
    }
  }

  private BatchProbe() {}

  /**
   * The batch limit shared by {@code models}, which a command runs on the same batches; prints one
   * note through {@code notes} when it overrides {@code requested}. Each model is probed once. At a
   * requested batch of 1 only the declared input shape is read: batch 1 needs no probe, it runs or
   * fails on its own.
   *
   * @param names the models' names for the note and errors (used when there are several)
   * @param samples how many samples will be run: a fixed batch above 1 must divide it, since a
   *     short last batch would fail (0: the caller fills its batches itself)
   * @param doing what runs at the batch, for the note, e.g. "evaluating"
   */
  public static Limit limit(
      List<ModelProto> models,
      List<String> names,
      int[] sampleShape,
      int samples,
      int requested,
      String doing,
      Consumer<String> notes) {
    Limit shared = Limit.ANY;
    String sharedBy = "model";
    for (int i = 0; i < models.size(); i++) {
      Limit l = requested == 1 ? declaredOrAny(models.get(i)) : probe(models.get(i), sampleShape);
      String name = models.size() == 1 ? "model" : names.get(i);
      if (!l.fixed()) continue;
      if (shared.fixed() && shared.batch() != l.batch()) {
        throw new OnnxqException(
            sharedBy
                + " runs only at batch "
                + shared.batch()
                + " but "
                + name
                + " only at batch "
                + l.batch()
                + "; run them separately");
      }
      if (!shared.fixed()) {
        shared = l;
        sharedBy = name;
      }
    }
    if (shared.fixed() && shared.batch() > 1 && samples % shared.batch() != 0) {
      throw new OnnxqException(
          sharedBy
              + " runs only at batch "
              + shared.batch()
              + " ("
              + shared.reason()
              + "), but "
              + samples
              + " samples do not fill whole batches; use a multiple of "
              + shared.batch()
              + " samples");
    }
    if (shared.fixed() && shared.batch() != requested) {
      notes.accept(
          "note: "
              + sharedBy
              + " runs only at batch "
              + shared.batch()
              + " ("
              + shared.reason()
              + "); "
              + doing
              + " at batch "
              + shared.batch());
    }
    return shared;
  }

  /**
   * (a) A data input that declares its first dimension fixes the batch; (b) otherwise the model
   * runs once at batch 1 and once at batch 2 on small synthetic samples: a failure at 2 only, or a
   * first sample whose outputs change when a second joins it, fixes the batch at 1. Anything that
   * fails at batch 1 returns {@link Limit#ANY}, so the command's normal path reports it.
   */
  public static Limit probe(ModelProto model, int[] sampleShape) {
    ValueInfoProto in = dataInput(model);
    if (in == null) return Limit.ANY;
    Limit declared = declared(in);
    if (declared != null) return declared;
    int len = 1;
    for (int d : sampleShape) len *= d;
    // Two different, deterministic samples in the normalized-data range: identical samples would
    // hide a graph that mixes the samples of a batch.
    float[] two = new float[2 * len];
    for (int i = 0; i < len; i++) {
      two[i] = (float) (0.5 * Math.sin(i * 0.37));
      two[len + i] = (float) (0.5 * Math.cos(i * 0.91) + 0.2);
    }
    OrtModel m;
    try {
      m = new OrtModel(model, ai.onnxruntime.OrtSession.SessionOptions.OptLevel.ALL_OPT, 0, true);
    } catch (OnnxqException e) {
      return Limit.ANY;
    }
    try (m) {
      m.checkSampleShape(sampleShape, "probe");
      List<String> outs = new ArrayList<>(m.outputNames());
      Map<String, OrtModel.Output> atOne;
      try {
        atOne = m.run(two, sampleShape, 1, outs);
      } catch (OnnxqException e) {
        return Limit.ANY;
      }
      Map<String, OrtModel.Output> atTwo;
      try {
        atTwo = m.run(two, sampleShape, 2, outs);
      } catch (OnnxqException e) {
        String ort = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
        return new Limit(1, "batch 2 fails in ONNX Runtime: " + OrtModel.firstLine(ort).strip());
      }
      String mixed = mixed(atOne, atTwo);
      return mixed == null ? Limit.ANY : new Limit(1, "at batch 2 ONNX Runtime " + mixed);
    } catch (OnnxqException e) {
      return Limit.ANY;
    }
  }

  private static Limit declaredOrAny(ModelProto model) {
    ValueInfoProto in = dataInput(model);
    Limit l = in == null ? null : declared(in);
    return l == null ? Limit.ANY : l;
  }

  /** The first graph input that is not an initializer: the one OrtModel feeds. */
  private static ValueInfoProto dataInput(ModelProto model) {
    Set<String> inits = new HashSet<>();
    for (TensorProto t : model.getGraph().getInitializerList()) inits.add(t.getName());
    for (ValueInfoProto v : model.getGraph().getInputList()) {
      if (!inits.contains(v.getName())) return v;
    }
    return null;
  }

  private static Limit declared(ValueInfoProto in) {
    if (!in.getType().hasTensorType() || !in.getType().getTensorType().hasShape()) return null;
    TensorShapeProto s = in.getType().getTensorType().getShape();
    if (s.getDimCount() == 0) return null;
    TensorShapeProto.Dimension d = s.getDim(0);
    if (!d.hasDimValue() || d.getDimValue() <= 0) return null;
    return new Limit(
        Math.toIntExact(d.getDimValue()),
        "input '" + in.getName() + "' declares batch " + d.getDimValue());
  }

  /**
   * How batch 2 differs from batch 1 for the first sample, or null when it does not: an output that
   * is batch-first at batch 1 must gain exactly one row at batch 2 and keep its first row.
   */
  private static String mixed(
      Map<String, OrtModel.Output> atOne, Map<String, OrtModel.Output> atTwo) {
    for (Map.Entry<String, OrtModel.Output> e : atOne.entrySet()) {
      OrtModel.Output a = e.getValue();
      OrtModel.Output b = atTwo.get(e.getKey());
      if (a.floats() == null || b == null || a.shape().length == 0 || a.shape()[0] != 1) continue;
      long[] want = a.shape().clone();
      want[0] = 2;
      if (!Arrays.equals(want, b.shape())) {
        return "returns output '"
            + e.getKey()
            + "' with shape "
            + Arrays.toString(b.shape())
            + " (at batch 1: "
            + Arrays.toString(a.shape())
            + ")";
      }
      double scale = 0;
      double diff = 0;
      for (int i = 0; i < a.floats().length; i++) {
        scale = Math.max(scale, Math.abs(a.floats()[i]));
        double d = Math.abs(a.floats()[i] - b.floats()[i]);
        diff = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(diff, d);
      }
      if (diff > MIX_TOLERANCE * Math.max(scale, 1e-6)) {
        return String.format(
            java.util.Locale.ROOT,
            "changes the first sample's output '%s' when a second sample joins it (max |diff| %.3g): "
                + "the graph mixes the samples of a batch",
            e.getKey(),
            diff);
      }
    }
    return null;
  }
}
