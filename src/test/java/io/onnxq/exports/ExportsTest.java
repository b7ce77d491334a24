package io.onnxq.exports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.onnxq.calib.Progress;
import io.onnxq.calib.observe.ObserverKind;
import io.onnxq.convert.Converter;
import io.onnxq.data.Dataset;
import io.onnxq.data.Datasets;
import io.onnxq.data.Preprocess;
import io.onnxq.eval.EvalResult;
import io.onnxq.eval.Evaluator;
import io.onnxq.model.ModelIO;
import io.onnxq.model.OnnxModel;
import io.onnxq.normalize.GraphNormalizer;
import io.onnxq.ort.BatchProbe;
import io.onnxq.pattern.LinearLayer;
import io.onnxq.pattern.TransformerBlock;
import io.onnxq.pattern.VitPatternFinder;
import io.onnxq.pattern.VitStructure;
import io.onnxq.proto.Onnx.ModelProto;
import io.onnxq.recipe.FqVit;
import io.onnxq.recipe.Settings;
import io.onnxq.recipe.W8A8;
import io.onnxq.testutil.TestData;
import io.onnxq.verify.Verifier;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The random-weight exports of testmodels/exports (transformers, timm, torchvision; TorchScript and
 * dynamo; opset 14 to 21): each is fully recognised with the counts its generator recorded from the
 * PyTorch modules, converts with W8A8 and PTS+LIS, runs in ORT, verifies exactly, and at W8A8 stays
 * close to its FP32 logits on real images.
 */
class ExportsTest {
  static final Path DIR = TestData.TESTMODELS.resolve("exports");
  @TempDir static Path tmp;
  static Dataset calib;
  static Dataset eval;
  static boolean realImages;

  static Stream<JsonNode> models() throws IOException {
    List<JsonNode> out = new ArrayList<>();
    new ObjectMapper().readTree(DIR.resolve("manifest.json").toFile()).forEach(out::add);
    return out.stream();
  }

  @BeforeAll
  static void data() {
    realImages = TestData.sharedAvailable();
    if (realImages) {
      calib =
          Datasets.open(
              TestData.SHARED.resolve("imagenet-val100/images"), Preprocess.DEIT, 224, null, 8);
      eval =
          Datasets.open(
              TestData.SHARED.resolve("imagenet-sample/images"), Preprocess.DEIT, 224, null, 16);
    } else {
      System.err.println(
          "ExportsTest: ../shared is absent, so conversions calibrate on random data and the"
              + " W8A8 logit-cosine check on real images is skipped");
      calib = TestData.random(tmp, 8, 3, 224, 224);
      eval = calib;
    }
  }

  private static ModelProto read(JsonNode m) {
    return ModelIO.readProto(DIR.resolve(m.get("file").asText()));
  }

  /** The dynamo exports run only at batch 1; the commands find that out the same way. */
  private static int batch(ModelProto fp32, int requested) {
    return BatchProbe.probe(fp32, calib.sampleShape()).batchSize(requested);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void everyBlockIsRecognised(JsonNode m) {
    OnnxModel model = new OnnxModel(read(m));
    GraphNormalizer.normalize(model);
    VitStructure s = VitPatternFinder.find(model.graph());
    String name = m.get("file").asText();
    assertEquals(m.get("blocks").asInt(), s.blocks().size(), name + " blocks");
    for (TransformerBlock b : s.blocks())
      assertTrue(b.complete(), name + " block " + b.index() + ": " + b.missing());
    assertTrue(s.coverage().isEmpty(), name + " not covered: " + s.coverage());
    assertEquals(m.get("layernorms").asInt(), s.layerNorms().size(), name + " LayerNorms");
    assertEquals(m.get("patch_merging").asInt(), s.merges().size(), name + " PatchMerging");
    assertEquals(m.get("blocks").asInt(), s.gelus().size(), name + " GELUs");
    // Every constant-weight MatMul/Gemm of the export, plus the patch-embedding Conv.
    assertEquals(m.get("weight_matmuls").asInt() + 1, s.linears().size(), name + " linears");
    assertFalse(s.linears(LinearLayer.Role.HEAD).isEmpty(), name + " head");
    assertEquals(0, s.linears(LinearLayer.Role.OTHER).size(), name + " unplaced linears");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void w8a8StaysCloseToFp32(JsonNode m) {
    ModelProto fp32 = read(m);
    ModelProto q =
        new Converter(W8A8.defaults(), Settings.DEFAULTS, Progress.SILENT)
            .convert(new OnnxModel(fp32), calib, "w8a8")
            .model();
    EvalResult e = new Evaluator(batch(fp32, 8), Progress.SILENT).evaluate(q, fp32, eval);
    System.err.println("export " + m.get("file").asText() + " W8A8: " + e.text());
    if (realImages) assertTrue(e.meanCosine() >= 0.98, m.get("file").asText() + ": " + e.text());
    else assertTrue(e.meanCosine() > 0.9, m.get("file").asText() + " on random data: " + e.text());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void ptsLisVerifiesExactly(JsonNode m) {
    ModelProto fp32 = read(m);
    ModelProto q =
        new Converter(FqVit.of(ObserverKind.MINMAX, true, true), Settings.DEFAULTS, Progress.SILENT)
            .convert(new OnnxModel(fp32), calib, "pts-lis")
            .model();
    List<Verifier.OpResult> checks = new Verifier(batch(fp32, 4), Progress.SILENT).verify(q, calib);
    assertEquals(3, checks.size(), "PtsLayerNorm, LogIntSoftmax and LogIntAttnMatMul all checked");
    for (Verifier.OpResult r : checks)
      assertEquals(0, r.mismatches(), m.get("file").asText() + ": " + r);
  }
}
