package io.onnxq.convert;

import io.onnxq.OnnxqException;
import io.onnxq.calib.LayerErrorMeter;
import io.onnxq.calib.Progress;
import io.onnxq.data.Dataset;
import io.onnxq.model.OnnxModel;
import io.onnxq.normalize.GraphNormalizer;
import io.onnxq.normalize.NormalizationReport;
import io.onnxq.ort.BatchProbe;
import io.onnxq.pattern.Attention;
import io.onnxq.pattern.LinearLayer;
import io.onnxq.pattern.StructureSummary;
import io.onnxq.pattern.VitPatternFinder;
import io.onnxq.pattern.VitStructure;
import io.onnxq.plan.ActivationEntry;
import io.onnxq.plan.MixedPrecision;
import io.onnxq.plan.PlanInput;
import io.onnxq.plan.QuantPlan;
import io.onnxq.plan.WeightEntry;
import io.onnxq.proto.Onnx.ModelProto;
import io.onnxq.quant.QuantizedWeight;
import io.onnxq.recipe.AdaLog;
import io.onnxq.recipe.PtqVit;
import io.onnxq.recipe.Recipe;
import io.onnxq.recipe.Settings;
import io.onnxq.rewrite.ModelRewriter;
import io.onnxq.verify.IntegerOnly;
import io.onnxq.verify.IntegerOnlyCheck;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The pipeline: model -> normalised graph -> structure -> plan (taps, stats, searches) -> rewritten
 * model -> deployment check and integer-only check (+ report).
 */
public final class Converter {
  /** Samples used for the per-layer error table in the report. */
  private static final int ERROR_SAMPLES = 8;

  public record Result(ModelProto model, QuantReport report, QuantPlan plan) {}

  private final Recipe recipe;
  private final Settings requested;
  private final Progress progress;

  public Converter(Recipe recipe, Settings settings, Progress progress) {
    this.recipe = recipe;
    this.requested = settings;
    this.progress = progress;
  }

  public Result convert(OnnxModel model, Dataset calib, String modelName) {
    long t0 = System.nanoTime();
    NormalizationReport normalized = GraphNormalizer.normalize(model);
    ModelProto fp32 = model.toProto();
    VitStructure structure = VitPatternFinder.find(model.graph());
    progress.info("normalised: " + normalized.text());
    progress.info(StructureSummary.of(model, structure).coverageLine());
    StructureRequirements.check(structure, recipe);
    OverrideCheck.check(structure, requested.overrides(), progress);
    BatchProbe.Limit batchLimit =
        BatchProbe.limit(
            List.of(fp32),
            List.of(modelName),
            calib.sampleShape(),
            calib.size(),
            requested.batchSize(),
            "calibrating and measuring layer errors",
            progress::info);
    Settings settings = requested.withBatchSize(batchLimit.batchSize(requested.batchSize()));
    long tc = System.nanoTime();
    PlanInput input =
        new PlanInput(
            fp32,
            model.graph(),
            structure,
            calib,
            settings.batchSize(),
            settings.overrides(),
            progress);
    MixedPrecision.Allocation mixed = null;
    if (settings.budget() != null) {
      mixed = MixedPrecision.choose(input, mixedPrecisionWidth(recipe), settings.budget());
      progress.info(mixed.bitMapLine());
      // The user's own overrides come last, so they win where both name a layer.
      input = input.withOverrides(mixed.overrides().then(settings.overrides()));
    }
    QuantPlan plan = Planners.forRecipe(recipe).plan(input);
    double calibSeconds = (System.nanoTime() - tc) / 1e9;
    double nominalBytes = NominalSize.bytes(model.graph(), plan); // before the rewrite edits it

    ModelProto out = ModelRewriter.rewrite(model, structure, plan, settings.emit());
    DeploymentCheck.run(out, calib, settings.batchSize());
    IntegerOnly integerOnly = IntegerOnlyCheck.check(new OnnxModel(out).graph());

    Map<String, String[]> watched = watched(structure, plan);
    List<LayerErrorMeter.LayerError> errors =
        LayerErrorMeter.measure(
            fp32,
            out,
            new ArrayList<>(watched.keySet()),
            calib,
            batchLimit.wholeBatches(ERROR_SAMPLES),
            settings.batchSize());
    QuantReport report =
        new QuantReport(
            modelName,
            null,
            recipe.describe(),
            recipe,
            settings,
            plan.method(),
            calib.size(),
            calibSeconds,
            (System.nanoTime() - t0) / 1e9,
            fp32.getSerializedSize(),
            out.getSerializedSize(),
            nominalBytes,
            mixed,
            integerOnly,
            tensorEntries(plan),
            layerEntries(errors, watched));
    return new Result(out, report, plan);
  }

  /** The recipe's weight width, which mixed precision centres on; refused for other recipes. */
  private static int mixedPrecisionWidth(Recipe r) {
    if (r instanceof PtqVit p) return p.wBits();
    if (r instanceof AdaLog a) return a.wBits();
    throw new OnnxqException(
        "--avg-bits/--target-size choose widths for --similarity or --adalog; add one of them");
  }

  /** Layer outputs compared with FP32: [layer name, role, module name] by tensor. */
  private static Map<String, String[]> watched(VitStructure s, QuantPlan plan) {
    Map<String, String[]> watched = new LinkedHashMap<>();
    for (LinearLayer l : s.linears()) {
      if (plan.rescaled().contains(l.output())) continue; // changed on purpose, no longer FP32's
      watched.put(
          l.output(),
          new String[] {l.name(), l.role().name().toLowerCase(Locale.ROOT), l.moduleName()});
    }
    for (Attention a : s.attentions())
      watched.put(a.output(), new String[] {a.av().name(), "attention", null});
    return watched;
  }

  private static List<QuantReport.LayerEntry> layerEntries(
      List<LayerErrorMeter.LayerError> errors, Map<String, String[]> watched) {
    List<QuantReport.LayerEntry> out = new ArrayList<>();
    for (LayerErrorMeter.LayerError e : errors) {
      String[] info = watched.get(e.tensor());
      out.add(QuantReport.LayerEntry.of(info[0], info[2], info[1], e));
    }
    return out;
  }

  private static List<QuantReport.TensorEntry> tensorEntries(QuantPlan plan) {
    List<QuantReport.TensorEntry> out = new ArrayList<>();
    for (ActivationEntry e : plan.activations()) {
      var q = e.quant();
      int[] alpha = plan.ptf(e.tensor()) != null ? plan.ptf(e.tensor()).alpha() : null;
      float[] scales = q.scales();
      out.add(
          new QuantReport.TensorEntry(
              e.tensor(),
              "activation",
              e.role(),
              q.grid(),
              q.bits(),
              scales != null && scales.length > 1,
              scales,
              q.zeroPoints(),
              alpha,
              e.chosenBy()));
    }
    for (WeightEntry e : plan.weights().values()) {
      QuantizedWeight w = e.weight();
      out.add(
          new QuantReport.TensorEntry(
              e.initializer(),
              "weight",
              e.role(),
              w.range().toString(),
              e.bits(),
              true,
              w.scales(),
              w.zeroPoints(),
              null,
              e.chosenBy()));
    }
    return out;
  }
}
