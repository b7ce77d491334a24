package io.onnxq.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.onnxq.OnnxqException;
import io.onnxq.model.ModelIO;
import io.onnxq.model.OnnxModel;
import io.onnxq.normalize.GraphNormalizer;
import io.onnxq.normalize.NormalizationReport;
import io.onnxq.pattern.StructureSummary;
import io.onnxq.pattern.VitPatternFinder;
import io.onnxq.pattern.VitStructure;
import io.onnxq.verify.IntegerOnly;
import io.onnxq.verify.IntegerOnlyCheck;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    description =
        "Show the ViT structure onnxq finds in a model (blocks, linears, attention, norms, GELU);"
            + " for a quantized model, whether it is integer-only from input to output.")
final class InspectCommand implements Callable<Integer> {
  @Parameters(index = "0", description = "FP32 or quantized ONNX model")
  Path model;

  @Option(names = "--json", description = "print one JSON object")
  boolean json;

  @Override
  public Integer call() throws Exception {
    OnnxModel m = ModelIO.read(model);
    IntegerOnly integerOnly = IntegerOnlyCheck.check(m.graph()); // before normalising edits it
    NormalizationReport normalized = null;
    StructureSummary summary = null;
    String notFound = null;
    try {
      normalized = GraphNormalizer.normalize(m);
      VitStructure s = VitPatternFinder.find(m.graph());
      summary = StructureSummary.of(m, s);
    } catch (OnnxqException e) {
      // The finder reads FP32 graphs; for a quantized one the integer-only check is the answer.
      if (!integerOnly.quantized()) throw e;
      notFound = e.getMessage();
    }
    if (json) {
      ObjectNode out =
          summary != null
              ? Json.MAPPER.valueToTree(summary)
              : Json.MAPPER.createObjectNode().put("structureNotFound", notFound);
      out.set("integerOnly", Json.MAPPER.valueToTree(integerOnly));
      System.out.println(Json.MAPPER.writeValueAsString(out));
      return 0;
    }
    if (integerOnly.quantized()) System.out.println(integerOnly.text());
    if (summary == null) {
      System.out.println("structure: not found in the quantized graph (" + notFound + ")");
    } else {
      System.out.println("normalised: " + normalized.text());
      System.out.print(summary.text());
    }
    return 0;
  }
}
