package io.onnxq.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onnxq.calib.Progress;
import io.onnxq.calib.observe.ObserverKind;
import io.onnxq.data.Dataset;
import io.onnxq.data.Datasets;
import io.onnxq.data.Preprocess;
import io.onnxq.eval.EvalResult;
import io.onnxq.eval.Evaluator;
import io.onnxq.model.ModelIO;
import io.onnxq.model.OnnxModel;
import io.onnxq.pattern.VitPatternFinder;
import io.onnxq.pattern.VitStructure;
import io.onnxq.proto.Onnx.ModelProto;
import io.onnxq.recipe.FqVit;
import io.onnxq.recipe.GeluMode;
import io.onnxq.recipe.Recipe;
import io.onnxq.recipe.Settings;
import io.onnxq.recipe.W8A8;
import io.onnxq.recipe.WeightRange;
import io.onnxq.testutil.TestData;
import io.onnxq.verify.IntegerOnly;
import io.onnxq.verify.Verifier;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real DeiT-Tiny from ../shared, on small slices of the shared images (full tables: examples/).
 */
class DeitTinyTest {
  static final Path MODEL = TestData.SHARED.resolve("models/deit_tiny_patch16_224.onnx");

  @BeforeAll
  static void needShared() {
    if (!TestData.sharedAvailable()) {
      System.err.println(
          "SKIPPED DeitTinyTest: ../shared (DeiT-Tiny and ImageNet images) is not beside the checkout");
    }
    Assumptions.assumeTrue(
        TestData.sharedAvailable(), "../shared with DeiT-Tiny and ImageNet images is absent");
  }

  @Test
  void structureIsFound() {
    VitStructure s = VitPatternFinder.find(ModelIO.read(MODEL).graph());
    assertEquals(12, s.blocks().size());
    assertTrue(s.blocks().stream().allMatch(b -> b.complete()));
    assertEquals(25, s.layerNorms().size());
    assertEquals(12, s.gelus().size());
  }

  @Test
  void w8a8MinMaxAgreesWithFp32() {
    Dataset calib =
        Datasets.open(TestData.SHARED.resolve("imagenet-val100"), Preprocess.DEIT, 224, null, 16);
    Dataset eval =
        Datasets.open(TestData.SHARED.resolve("imagenet-sample"), Preprocess.DEIT, 224, null, 64);
    ModelProto fp32 = ModelIO.readProto(MODEL);
    Converter.Result r =
        new Converter(W8A8.defaults(), Settings.DEFAULTS, Progress.SILENT)
            .convert(new OnnxModel(fp32), calib, "deit-tiny");
    EvalResult e = new Evaluator(16, Progress.SILENT).evaluate(r.model(), fp32, eval);
    System.err.println("DeiT-Tiny W8A8 minmax, 16 calib images, 64 eval images: " + e.text());
    assertTrue(e.agreement() >= 90.0, "top-1 agreement " + e.agreement());
    assertTrue(e.meanCosine() > 0.97, "logit cosine " + e.meanCosine());
  }

  @Test
  void ptsLisIntGeluIsIntegerOnlyAndItsKernelsExact() {
    Dataset calib =
        Datasets.open(TestData.SHARED.resolve("imagenet-val100"), Preprocess.DEIT, 224, null, 8);
    ModelProto fp32 = ModelIO.readProto(MODEL);
    Recipe r =
        new FqVit(ObserverKind.MINMAX, WeightRange.REDUCED, true, true, 4, false, GeluMode.TABLE);
    Converter.Result q =
        new Converter(r, Settings.DEFAULTS, Progress.SILENT)
            .convert(new OnnxModel(fp32), calib, "deit-tiny");
    IntegerOnly check = q.report().integerOnly();
    assertTrue(check.integerOnly(), check.text());
    Dataset two =
        Datasets.open(TestData.SHARED.resolve("imagenet-sample"), Preprocess.DEIT, 224, null, 2);
    List<Verifier.OpResult> ops = new Verifier(2, Progress.SILENT).verify(q.model(), two);
    assertEquals(4, ops.size(), ops.toString());
    for (Verifier.OpResult op : ops) {
      assertTrue(op.elements() > 0, op.op());
      assertEquals(0, op.mismatches(), op.toString());
    }
  }
}
