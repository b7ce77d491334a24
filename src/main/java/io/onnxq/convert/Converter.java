package io.onnxq.convert;

import io.onnxq.calib.CalibrationStats;
import io.onnxq.calib.Calibrator;
import io.onnxq.calib.LayerErrorMeter;
import io.onnxq.calib.Progress;
import io.onnxq.data.Dataset;
import io.onnxq.model.OnnxModel;
import io.onnxq.ort.BatchProbe;
import io.onnxq.pattern.Attention;
import io.onnxq.pattern.LinearLayer;
import io.onnxq.normalize.GraphNormalizer;
import io.onnxq.normalize.NormalizationReport;
import io.onnxq.pattern.StructureSummary;
import io.onnxq.pattern.VitPatternFinder;
import io.onnxq.pattern.VitStructure;
import io.onnxq.proto.Onnx.ModelProto;
import io.onnxq.quant.AdaLogQuantizer;
import io.onnxq.quant.IntRange;
import io.onnxq.quant.PtfParams;
import io.onnxq.quant.QuantParams;
import io.onnxq.quant.QuantizedWeight;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The pipeline: model -> patterns -> taps -> stats -> params -> rewritten model (+ report). */
public final class Converter {
  /** Samples used for the per-layer error table in the report. */
  private static final int ERROR_SAMPLES = 8;

  public record Result(ModelProto model, QuantReport report) {}

  private final ConvertOptions requested;
  /** {@code requested} at the batch size the model being converted runs at (set by convert). */
  private ConvertOptions options;
  private BatchProbe.Limit batchLimit = BatchProbe.Limit.ANY;
  private final Progress progress;

  public Converter(ConvertOptions options, Progress progress) {
    this.requested = options;
    this.options = options;
    this.progress = progress;
  }

  public Result convert(OnnxModel model, Dataset calib, String modelName) {
    long t0 = System.nanoTime();
    NormalizationReport normalized = GraphNormalizer.normalize(model);
    ModelProto fp32 = model.toProto();
    VitStructure structure = VitPatternFinder.find(model.graph());
    progress.info("normalised: " + normalized.text());
    progress.info(StructureSummary.of(model, structure).coverageLine());
    StructureRequirements.check(structure, options);
    batchLimit = BatchProbe.limit(List.of(fp32), List.of(modelName), calib.sampleShape(), calib.size(),
        requested.batchSize(), "calibrating and measuring layer errors", progress::info);
    options = requested.withBatchSize(batchLimit.batchSize(requested.batchSize()));
    long tc = System.nanoTime();
    QuantTable table = choose(fp32, model, structure, calib);
    double calibSeconds = (System.nanoTime() - tc) / 1e9;

    ModelProto out = ModelRewriter.rewrite(model, structure, table, options);
    DeploymentCheck.run(out, calib, options.batchSize());

    List<QuantReport.LayerEntry> layers = layerErrors(fp32, out, structure, calib);
    QuantReport report = new QuantReport(modelName, null, options.method().cliName(), options, calib.size(),
        calibSeconds, (System.nanoTime() - t0) / 1e9, fp32.getSerializedSize(), out.getSerializedSize(),
        tensorEntries(table), layers);
    return new Result(out, report);
  }

  /** Quantizer parameters: FPCS searches for AdaLog, observers over calibration batches otherwise. */
  private QuantTable choose(ModelProto fp32, OnnxModel model, VitStructure structure, Dataset calib) {
    if (options.adalog()) {
      progress.info(String.format("found %d blocks; AdaLog W%dA%d search on %d samples", structure.blocks().size(),
          options.wBits(), options.aBits(), calib.size()));
      return new AdaLogPlanner(options, progress).plan(fp32, model.graph(), structure, calib);
    }
    QuantTable table = QuantPlanner.plan(structure, options);
    progress.info(String.format("found %d blocks, %d linear layers; calibrating %d activations on %d samples",
        structure.blocks().size(), structure.linears().size(), table.activationSites().size(), calib.size()));
    CalibrationStats stats = new Calibrator(options.method(), options.batchSize(), progress).run(fp32, table.taps(), calib);
    table.resolve(stats);
    if (options.probs() == ConvertOptions.Probs.LOG2) {
      for (Attention a : structure.attentions()) {
        table.addActivation(a.probs(), "attn.probs (log2)", IntRange.uint(options.aBits()), false);
        table.setLogQuantizer(a.probs(), AdaLogQuantizer.postSoftmax(options.aBits(), AdaLogQuantizer.LOG2_Q));
      }
    }
    return table;
  }

  private List<QuantReport.LayerEntry> layerErrors(ModelProto fp32, ModelProto q, VitStructure s, Dataset calib) {
    Map<String, String[]> watched = new LinkedHashMap<>();
    for (LinearLayer l : s.linears()) {
      // q/k balance rescales the qkv output on purpose, so it no longer compares with FP32's.
      if (l.role() == LinearLayer.Role.QKV && options.refine().qkBalance()) continue;
      watched.put(l.output(), new String[] {l.name(), l.role().name().toLowerCase(Locale.ROOT)});
    }
    for (Attention a : s.attentions()) watched.put(a.output(), new String[] {a.av().name(), "attention"});
    List<LayerErrorMeter.LayerError> errors =
        LayerErrorMeter.measure(fp32, q, new ArrayList<>(watched.keySet()), calib, batchLimit.wholeBatches(ERROR_SAMPLES),
            options.batchSize());
    List<QuantReport.LayerEntry> out = new ArrayList<>();
    for (LayerErrorMeter.LayerError e : errors) {
      String[] info = watched.get(e.tensor());
      out.add(QuantReport.LayerEntry.of(info[0], info[1], e));
    }
    return out;
  }

  private static List<QuantReport.TensorEntry> tensorEntries(QuantTable table) {
    List<QuantReport.TensorEntry> out = new ArrayList<>();
    for (QuantTable.ActivationSite s : table.activationSites().values()) {
      if (!table.hasActivation(s.tensor())) continue;
      QuantParams p = table.activation(s.tensor());
      PtfParams ptf = table.ptf(s.tensor());
      out.add(new QuantReport.TensorEntry(s.tensor(), "activation", s.role(), s.range().toString(), ptf != null,
          ptf != null ? ptf.channelScales() : p.scale(), p.zeroPoint(), ptf != null ? ptf.alpha() : null,
          table.observer()));
    }
    for (Map.Entry<String, AdaLogQuantizer> e : table.logQuantizers().entrySet()) {
      AdaLogQuantizer q = e.getValue();
      String grid = String.format(Locale.ROOT, "adalog %d-bit, base 2^(%d/%d), shift %s", q.bits(), q.q(),
          AdaLogQuantizer.R, q.shift());
      out.add(new QuantReport.TensorEntry(e.getKey(), "activation", table.activationSites().get(e.getKey()).role(),
          grid, false, new float[] {q.scale()}, null, null, q.q() == AdaLogQuantizer.LOG2_Q ? "log2" : table.observer()));
    }
    for (Map.Entry<String, QuantizedWeight> e : table.quantizedWeights().entrySet()) {
      QuantizedWeight w = e.getValue();
      out.add(new QuantReport.TensorEntry(e.getKey(), "weight", table.weightRole(e.getKey()), w.range().toString(),
          true, w.scales(), w.zeroPoints(), null,
          table.chosenWeight(e.getKey()) != null ? "fpcs (per channel)" : "minmax (per channel)"));
    }
    return out;
  }
}
