package io.onnxq.normalize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onnxq.model.ModelIO;
import io.onnxq.model.Node;
import io.onnxq.model.OnnxModel;
import io.onnxq.ort.OrtModel;
import io.onnxq.proto.Onnx.ModelProto;
import io.onnxq.testutil.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The normalised graph computes the same function as the exported one, on every shipped model. */
class GraphNormalizerTest {
  static Stream<Path> models() throws IOException {
    List<Path> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(TestData.TESTMODELS)) {
      s.filter(p -> p.toString().endsWith(".onnx")).sorted().forEach(out::add);
    }
    Path exports = TestData.TESTMODELS.resolve("exports");
    if (Files.isDirectory(exports)) {
      try (Stream<Path> s = Files.list(exports)) {
        s.filter(p -> p.toString().endsWith(".onnx")).sorted().forEach(out::add);
      }
    }
    out.add(TestData.SHARED.resolve("models/deit_tiny_patch16_224.onnx"));
    return out.stream();
  }

  /** What each exporter adds, as counted on the shipped exports (two blocks each, Swin four). */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({
    "exports/hf_vit_eager.onnx, 4, 0, 0", // the float32 -> float32 Cast HF puts after each Softmax,
    // twice
    "exports/hf_vit_sdpa_dynamo_op21.onnx, 0, 2, 1", // dynamo SDPA: NaN guard per Softmax, constant
    // Where mask
    "vit_fmnist_op13.onnx, 0, 0, 0"
  })
  void removesWhatExportersAdd(String file, int casts, int nanGuards, int constants) {
    OnnxModel m = new OnnxModel(ModelIO.readProto(TestData.TESTMODELS.resolve(file)));
    NormalizationReport r = GraphNormalizer.normalize(m);
    assertEquals(casts, r.noOpCasts(), r.text());
    assertEquals(nanGuards, r.nanGuards(), r.text());
    assertEquals(constants, r.foldedConstants(), r.text());
    for (Node n : m.graph().nodes())
      assertTrue(!n.is("IsNaN") || nanGuards == 0, "guard left: " + n);
  }

  @org.junit.jupiter.api.Test
  void foldsSwinShapeArithmeticButKeepsTheBatchDynamic() {
    OnnxModel m =
        new OnnxModel(ModelIO.readProto(TestData.TESTMODELS.resolve("swin_fmnist_op17.onnx")));
    NormalizationReport r = GraphNormalizer.normalize(m);
    assertTrue(r.foldedShapes() > 0 && r.noOpCasts() > 0, r.text());
    // The Reshape targets that carry the batch stay computed from Shape, so batch 2 still runs.
    try (OrtModel o = new OrtModel(m.toProto())) {
      float[] x = new float[2 * 28 * 28];
      assertEquals(
          20, o.run(x, new int[] {1, 28, 28}, 2, List.of("logits")).get("logits").floats().length);
    }
  }

  @ParameterizedTest
  @MethodSource("models")
  void normalisedGraphGivesTheSameLogits(Path path) {
    if (!Files.exists(path)) {
      Assumptions.abort(
          "skipped: " + path + " not found (the shared data is not beside the checkout)");
    }
    ModelProto original = ModelIO.readProto(path);
    OnnxModel m = new OnnxModel(original);
    int before = m.graph().nodes().size();
    NormalizationReport report = GraphNormalizer.normalize(m);
    ModelProto normalised = m.toProto();
    System.out.println(
        path.getFileName()
            + ": "
            + before
            + " -> "
            + m.graph().nodes().size()
            + " nodes; "
            + report.text());
    for (Node n : m.graph().nodes()) {
      assertTrue(!n.is("Identity") && !n.is("Dropout"), "pass-through node left: " + n);
    }
    try (OrtModel a = new OrtModel(original);
        OrtModel b = new OrtModel(normalised)) {
      long[] shape = a.inputShape();
      int batch = shape[0] > 0 ? (int) shape[0] : 1;
      int[] sample = new int[shape.length - 1];
      int per = 1;
      for (int i = 0; i < sample.length; i++) {
        sample[i] = (int) shape[i + 1];
        per *= sample[i];
      }
      float[] x = new float[batch * per];
      Random r = new Random(3);
      for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
      String out = original.getGraph().getOutput(0).getName();
      float[] ya = a.run(x, sample, batch, List.of(out)).get(out).floats();
      float[] yb = b.run(x, sample, batch, List.of(out)).get(out).floats();
      assertEquals(ya.length, yb.length);
      double maxAbs = 0;
      double maxDiff = 0;
      for (int i = 0; i < ya.length; i++) {
        maxAbs = Math.max(maxAbs, Math.abs(ya[i]));
        maxDiff = Math.max(maxDiff, Math.abs(ya[i] - yb[i]));
      }
      assertTrue(maxDiff <= 1e-5 * Math.max(1, maxAbs), path + ": logits differ by " + maxDiff);
    }
  }
}
