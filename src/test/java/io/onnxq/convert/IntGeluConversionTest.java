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
import io.onnxq.proto.Onnx.NodeProto;
import io.onnxq.recipe.FqVit;
import io.onnxq.recipe.GeluMode;
import io.onnxq.recipe.Recipe;
import io.onnxq.recipe.Settings;
import io.onnxq.recipe.WeightRange;
import io.onnxq.testutil.TestData;
import io.onnxq.verify.Verifier;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** --int-gelu on the trained Fashion-MNIST ViT: GELU leaves the float path and stays accurate. */
class IntGeluConversionTest {
  private static ModelProto fp32;
  private static Dataset calib;
  private static Dataset test;

  @BeforeAll
  static void load() {
    fp32 = ModelIO.readProto(TestData.TESTMODELS.resolve("vit_fmnist_op13.onnx"));
    calib = new NpyDataset(TestData.TESTMODELS.resolve("fmnist_calib.npy"), null, 32);
    test =
        new NpyDataset(
            TestData.TESTMODELS.resolve("fmnist_test.npy"),
            TestData.TESTMODELS.resolve("fmnist_test_labels.npy"),
            300);
  }

  private static ModelProto convert(Recipe r) {
    return new Converter(r, Settings.DEFAULTS, Progress.SILENT)
        .convert(new OnnxModel(fp32), calib, "fmnist")
        .model();
  }

  private static long count(ModelProto m, String op) {
    return m.getGraph().getNodeList().stream().map(NodeProto::getOpType).filter(op::equals).count();
  }

  private static EvalResult eval(ModelProto q) {
    return new Evaluator(32, Progress.SILENT).evaluate(q, fp32, test);
  }

  private static void assertKernelsExact(ModelProto q, int ops) {
    List<Verifier.OpResult> r = new Verifier(16, Progress.SILENT).verify(q, calib);
    assertEquals(ops, r.size(), r.toString());
    for (Verifier.OpResult op : r) {
      assertTrue(op.elements() > 0, op.op());
      assertEquals(0, op.mismatches(), op.op() + " differs from its kernel: " + op);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = GeluMode.class,
      names = {"TABLE", "IBERT"})
  void ptsLisIntGeluReplacesEveryGeluAndKeepsAccuracy(GeluMode mode) {
    ModelProto ptsLis = convert(FqVit.of(ObserverKind.MINMAX, true, true));
    ModelProto gelu =
        convert(new FqVit(ObserverKind.MINMAX, WeightRange.REDUCED, true, true, 4, false, mode));

    assertEquals(4, count(gelu, opType(mode)), "one per block");
    assertEquals(0, count(gelu, "Erf"), "no float GELU left");
    assertEquals(4, count(ptsLis, "Erf"));
    assertKernelsExact(gelu, 4);

    EvalResult a = eval(ptsLis);
    EvalResult b = eval(gelu);
    assertTrue(
        b.meanCosine() > a.meanCosine() - 0.005,
        "int-gelu cosine " + b.meanCosine() + " vs pts+lis " + a.meanCosine());
    assertTrue(b.top1() >= a.top1() - 2.0, "top-1 " + b.top1() + " vs " + a.top1());
  }

  @Test
  void intGeluAloneUsesTheFqVitPlacementWithFloatNormsAndSoftmax() {
    ModelProto q =
        convert(
            new FqVit(
                ObserverKind.MINMAX, WeightRange.REDUCED, false, false, 8, false, GeluMode.TABLE));
    assertEquals(4, count(q, "GeluTable"));
    assertEquals(4, count(q, "Softmax"));
    assertEquals(0, count(q, "PtsLayerNorm"));
    assertKernelsExact(q, 1);
    assertTrue(eval(q).meanCosine() > 0.98, "cosine " + eval(q).meanCosine());
  }

  private static String opType(GeluMode mode) {
    return mode == GeluMode.TABLE ? "GeluTable" : "IntGelu";
  }
}
