package io.onnxq.cli;

import io.onnxq.model.ModelIO;
import io.onnxq.model.OnnxModel;
import io.onnxq.normalize.GraphNormalizer;
import io.onnxq.normalize.NormalizationReport;
import io.onnxq.pattern.StructureSummary;
import io.onnxq.pattern.VitPatternFinder;
import io.onnxq.pattern.VitStructure;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    description =
        "Show the ViT structure onnxq finds in a model (blocks, linears, attention, norms, GELU).")
final class InspectCommand implements Callable<Integer> {
  @Parameters(index = "0", description = "FP32 ONNX model")
  Path model;

  @Option(names = "--json", description = "print one JSON object")
  boolean json;

  @Override
  public Integer call() throws Exception {
    OnnxModel m = ModelIO.read(model);
    NormalizationReport normalized = GraphNormalizer.normalize(m);
    VitStructure s = VitPatternFinder.find(m.graph());
    StructureSummary summary = StructureSummary.of(m, s);
    if (json) {
      System.out.println(Json.MAPPER.writeValueAsString(summary));
    } else {
      System.out.println("normalised: " + normalized.text());
      System.out.print(summary.text());
    }
    return 0;
  }
}
