package io.onnxq.cli;

import io.onnxq.calib.Progress;
import io.onnxq.data.Dataset;
import io.onnxq.eval.EvalResult;
import io.onnxq.eval.Evaluator;
import io.onnxq.model.ModelIO;
import io.onnxq.ort.BatchProbe;
import io.onnxq.proto.Onnx.ModelProto;
import io.onnxq.verify.Verifier;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description =
        "Check every com.onnxq custom op against its Java reference kernel on real data (exit 1 on any mismatch).")
final class VerifyCommand implements Callable<Integer> {
  @Parameters(index = "0", description = "quantized ONNX model with com.onnxq custom ops")
  Path model;

  @Option(
      names = "--calib",
      required = true,
      description = "data to run: a float32 NCHW .npy or an image folder")
  Path calib;

  @Option(
      names = "--calib-count",
      defaultValue = "16",
      converter = PositiveInt.class,
      description =
          "samples to run, at least 1; all when the data has fewer (default: ${DEFAULT-VALUE})")
  int count;

  @Option(
      names = "--ref",
      description = "FP32 model: also report end-to-end top-1 agreement and logit cosine")
  Path ref;

  @Option(
      names = "--batch-size",
      defaultValue = "8",
      converter = PositiveInt.class,
      description = "batch size (default: ${DEFAULT-VALUE})")
  int batchSize;

  @Option(names = "--json", description = "print one JSON object")
  boolean json;

  @Mixin DataOptions data;

  @Override
  public Integer call() throws Exception {
    var quant = ModelIO.readProto(model);
    ModelProto fp32 = ref == null ? null : ModelIO.readProto(ref);
    Dataset ds = data.open(calib, null, count);
    Progress progress = json ? Progress.SILENT : Progress.stderr();
    // One probe per model for both passes; the reference shares the quantized model's batches.
    List<ModelProto> probed = fp32 == null ? List.of(quant) : List.of(quant, fp32);
    List<String> names =
        fp32 == null ? List.of(model.toString()) : List.of(model.toString(), ref.toString());
    int batch =
        BatchProbe.limit(
                probed,
                names,
                ds.sampleShape(),
                ds.size(),
                batchSize,
                "verifying",
                System.err::println)
            .batchSize(batchSize);
    List<Verifier.OpResult> results = new Verifier(batch, progress).verify(quant, ds);
    EvalResult agreement =
        fp32 == null ? null : new Evaluator(batch, progress).evaluate(quant, fp32, ds);
    long mismatches = results.stream().mapToLong(Verifier.OpResult::mismatches).sum();
    if (json) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("ops", results);
      out.put("mismatches", mismatches);
      if (agreement != null) out.put("reference", agreement);
      System.out.println(Json.MAPPER.writeValueAsString(out));
    } else {
      for (Verifier.OpResult r : results) {
        System.out.printf(
            Locale.ROOT,
            "%-18s %3d calls  %,14d elements  %,d mismatches  max |diff| %s%n",
            r.op(),
            r.calls(),
            r.elements(),
            r.mismatches(),
            r.maxAbsDiff());
      }
      if (agreement != null) System.out.println("vs reference: " + agreement.text());
      System.out.println(
          mismatches == 0
              ? "OK: every custom op matches its reference kernel"
              : "FAILED: " + mismatches + " elements differ from the reference kernels");
    }
    return mismatches == 0 ? 0 : 1;
  }
}
