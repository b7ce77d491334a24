package io.onnxq.cli;

import io.onnxq.OnnxqException;
import io.onnxq.calib.Progress;
import io.onnxq.data.Dataset;
import io.onnxq.eval.EvalResult;
import io.onnxq.eval.Evaluator;
import io.onnxq.model.ModelIO;
import io.onnxq.ort.BatchProbe;
import io.onnxq.proto.Onnx.ModelProto;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = "Top-1/top-5 accuracy of a model, and agreement with an FP32 reference.")
final class EvalCommand implements Callable<Integer> {
  @Parameters(
      arity = "1..*",
      description = "ONNX models to evaluate (each batch is decoded once for all)")
  List<Path> models;

  @Option(
      names = "--data",
      required = true,
      description = "a float32 NCHW .npy or an image folder (with labels.tsv)")
  Path data;

  @Option(names = "--labels", description = "int labels .npy for .npy data")
  Path labels;

  @Option(names = "--ref", description = "FP32 reference model for agreement and logit cosine")
  Path ref;

  @Option(
      names = "--limit",
      defaultValue = "0",
      converter = PositiveInt.NonNegative.class,
      description = "evaluate only the first N samples (0 = all)")
  int limit;

  @Option(
      names = "--batch-size",
      defaultValue = "16",
      converter = PositiveInt.class,
      description = "batch size (default: ${DEFAULT-VALUE})")
  int batchSize;

  @Option(names = "--json", description = "print one JSON object")
  boolean json;

  @Mixin DataOptions dataOptions;

  @Override
  public Integer call() throws Exception {
    List<ModelProto> ms = new ArrayList<>();
    for (Path p : models) ms.add(ModelIO.readProto(p));
    var r = ref == null ? null : ModelIO.readProto(ref);
    Dataset ds = dataOptions.open(data, labels, limit);
    if (!ds.hasLabels() && r == null) {
      throw new OnnxqException(
          "nothing to measure: " + data + " has no labels; give --labels, a labels.tsv, or --ref");
    }
    List<ModelProto> all = new ArrayList<>(ms);
    List<String> names = new ArrayList<>(models.stream().map(Path::toString).toList());
    if (r != null) {
      all.add(r);
      names.add(ref.toString());
    }
    // Every model, the reference too, runs on the same batches, so they share one batch size.
    int batch =
        BatchProbe.limit(
                all,
                names,
                ds.sampleShape(),
                ds.size(),
                batchSize,
                "evaluating",
                System.err::println)
            .batchSize(batchSize);
    List<EvalResult> res =
        new Evaluator(batch, json ? Progress.SILENT : Progress.stderr())
            .evaluate(ms, names.subList(0, ms.size()), r, String.valueOf(ref), ds);
    if (json) {
      Map<String, EvalResult> out = new LinkedHashMap<>();
      for (int i = 0; i < models.size(); i++) out.put(models.get(i).toString(), res.get(i));
      System.out.println(Json.MAPPER.writeValueAsString(models.size() == 1 ? res.get(0) : out));
    } else {
      for (int i = 0; i < models.size(); i++)
        System.out.println((models.size() == 1 ? "" : models.get(i) + ": ") + res.get(i).text());
    }
    return 0;
  }
}
