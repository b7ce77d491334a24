package io.onnxq.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onnxq.calib.Progress;
import io.onnxq.calib.observe.ObserverKind;
import io.onnxq.data.Dataset;
import io.onnxq.data.NpyDataset;
import io.onnxq.eval.EvalResult;
import io.onnxq.eval.Evaluator;
import io.onnxq.model.ModelIO;
import io.onnxq.model.OnnxModel;
import io.onnxq.proto.Onnx.ModelProto;
import io.onnxq.recipe.FqVit;
import io.onnxq.recipe.Recipe;
import io.onnxq.recipe.Settings;
import io.onnxq.recipe.W8A8;
import io.onnxq.recipe.WeightRange;
import io.onnxq.testutil.TestData;
import io.onnxq.verify.Verifier;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The shipped Fashion-MNIST ViTs (opset 13 and 17) on their 1000-image test slice. */
class TestModelsTest {
  static Dataset calib;
  static Dataset test;

  @BeforeAll
  static void data() {
    calib = new NpyDataset(TestData.TESTMODELS.resolve("fmnist_calib.npy"), null, 0);
    test =
        new NpyDataset(
            TestData.TESTMODELS.resolve("fmnist_test.npy"),
            TestData.TESTMODELS.resolve("fmnist_test_labels.npy"),
            0);
  }

  private static ModelProto fp32(String opset) {
    return ModelIO.readProto(TestData.TESTMODELS.resolve("vit_fmnist_" + opset + ".onnx"));
  }

  @ParameterizedTest
  @CsvSource({"op13, minmax", "op17, minmax", "op13, omse", "op17, percentile"})
  void w8a8LosesAtMostHalfAPoint(String opset, String method) {
    ModelProto fp32 = fp32(opset);
    ModelProto q =
        new Converter(
                new W8A8(ObserverKind.parse(method), WeightRange.REDUCED),
                Settings.DEFAULTS,
                Progress.SILENT)
            .convert(new OnnxModel(fp32), calib, opset)
            .model();
    List<EvalResult> r = new Evaluator(100, Progress.SILENT).evaluate(List.of(fp32, q), fp32, test);
    double drop = r.get(0).top1() - r.get(1).top1();
    System.err.printf(
        "testmodel %s W8A8 %s: fp32 %.1f, int8 %.1f, agreement %.1f%n",
        opset, method, r.get(0).top1(), r.get(1).top1(), r.get(1).agreement());
    assertTrue(drop <= 0.5, "top-1 drop " + drop);
    assertTrue(r.get(1).agreement() >= 97, "agreement " + r.get(1).agreement());
  }

  @ParameterizedTest
  @CsvSource({"op13", "op17"})
  void ptsLisVerifiesExactlyAndStaysAccurate(String opset) {
    ModelProto fp32 = fp32(opset);
    ModelProto q =
        new Converter(FqVit.of(ObserverKind.MINMAX, true, true), Settings.DEFAULTS, Progress.SILENT)
            .convert(new OnnxModel(fp32), calib, opset)
            .model();
    for (Verifier.OpResult r : new Verifier(16, Progress.SILENT).verify(q, calib)) {
      assertEquals(0, r.mismatches(), r.toString());
    }
    EvalResult e = new Evaluator(100, Progress.SILENT).evaluate(q, fp32, test);
    System.err.println("testmodel " + opset + " PTS+LIS 8/8/4: " + e.text());
    assertTrue(e.agreement() >= 93, e.text());
  }

  /** The Fashion-MNIST Swin: shifted windows, relative position bias, PatchMerging. */
  @ParameterizedTest
  @CsvSource({"w8a8, 0.5", "pts_lis, 1.0"})
  void swinKeepsItsAccuracy(String config, double maxDrop) {
    ModelProto fp32 = ModelIO.readProto(TestData.TESTMODELS.resolve("swin_fmnist_op17.onnx"));
    Recipe o = config.equals("w8a8") ? W8A8.defaults() : FqVit.of(ObserverKind.MINMAX, true, true);
    ModelProto q =
        new Converter(o, Settings.DEFAULTS, Progress.SILENT)
            .convert(new OnnxModel(fp32), calib, "swin")
            .model();
    if (!config.equals("w8a8")) {
      List<Verifier.OpResult> checks = new Verifier(16, Progress.SILENT).verify(q, calib);
      assertEquals(
          3, checks.size(), "PtsLayerNorm, LogIntSoftmax and LogIntAttnMatMul are all checked");
      for (Verifier.OpResult r : checks) assertEquals(0, r.mismatches(), r.toString());
    }
    List<EvalResult> r = new Evaluator(100, Progress.SILENT).evaluate(List.of(fp32, q), fp32, test);
    double drop = r.get(0).top1() - r.get(1).top1();
    System.err.printf(
        "testmodel swin %s: fp32 %.1f, quantized %.1f, agreement %.1f%n",
        config, r.get(0).top1(), r.get(1).top1(), r.get(1).agreement());
    assertTrue(r.get(0).top1() >= 85, "the trained Swin scores " + r.get(0).top1());
    assertTrue(drop <= maxDrop, "top-1 drop " + drop);
  }
}
