package io.onnxq.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onnxq.OnnxqException;
import io.onnxq.calib.Progress;
import io.onnxq.calib.search.SimilarityGrid;
import io.onnxq.data.Dataset;
import io.onnxq.data.NpyDataset;
import io.onnxq.eval.Evaluator;
import io.onnxq.model.ModelIO;
import io.onnxq.model.OnnxModel;
import io.onnxq.pattern.Attention;
import io.onnxq.pattern.VitPatternFinder;
import io.onnxq.plan.ActivationEntry;
import io.onnxq.plan.MixedPrecision;
import io.onnxq.plan.QuantPlan;
import io.onnxq.plan.WeightEntry;
import io.onnxq.proto.Onnx.ModelProto;
import io.onnxq.proto.Onnx.TensorProto;
import io.onnxq.recipe.AdaLog;
import io.onnxq.recipe.PtqVit;
import io.onnxq.recipe.Recipe;
import io.onnxq.recipe.Settings;
import io.onnxq.recipe.SizeBudget;
import io.onnxq.recipe.W8A8;
import io.onnxq.testutil.TestData;
import io.onnxq.testutil.TinyVit;
import io.onnxq.verify.Verifier;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --similarity (Liu et al. 2021) and mixed precision, end to end on small models. */
class SimilarityConversionTest {
  @TempDir Path dir;

  private static ModelProto tiny() {
    return TinyVit.build(TinyVit.Norm.FUSED, TinyVit.Gelu.ERF, TinyVit.Scale.MUL_Q, 2);
  }

  private static Converter.Result convert(Recipe r, Settings s, ModelProto fp32, Dataset data) {
    return new Converter(r, s, Progress.SILENT).convert(new OnnxModel(fp32), data, "m");
  }

  @Test
  void paperGridIsOneSymmetricScalePerTensorAndDeploys() {
    ModelProto fp32 = tiny();
    Dataset data = TestData.random(dir, 16, 3, 8, 8);
    Converter.Result r =
        convert(new PtqVit(4, 4, SimilarityGrid.PAPER, true, false), Settings.DEFAULTS, fp32, data);
    QuantPlan plan = r.plan();
    assertEquals(10, plan.weights().size(), "2 blocks x 4 linears, patch embedding and head");
    for (WeightEntry w : plan.weights().values()) {
      assertTrue(w.weight().range().signed(), w.initializer());
      float[] s = w.weight().scales();
      for (float v : s) assertEquals(s[0], v, w.initializer() + ": one scale per tensor");
      for (int z : w.weight().zeroPoints()) assertEquals(0, z);
    }
    for (ActivationEntry a : plan.activations())
      assertTrue(a.quant().uniformParams().range().signed(), a.tensor() + " signed, no zero point");
    long int4 =
        r.model().getGraph().getInitializerList().stream()
            .filter(
                t -> t.getDataType() == TensorProto.DataType.INT4_VALUE && t.getDimsCount() >= 2)
            .count();
    assertEquals(10, int4, "4-bit weights stored as INT4");
    // 4 attention operands per block, one input per linear group (q/k/v share none here)
    assertEquals(2 * 4 + 2 * 4 + 2, plan.activations().size());
  }

  @Test
  void onnxqGridIsPerChannelAndUnsigned() {
    ModelProto fp32 = tiny();
    Dataset data = TestData.random(dir, 16, 3, 8, 8);
    QuantPlan plan =
        convert(new PtqVit(6, 6, SimilarityGrid.ONNXQ, false, true), Settings.DEFAULTS, fp32, data)
            .plan();
    int varied = 0;
    for (WeightEntry w : plan.weights().values()) {
      float[] s = w.weight().scales();
      for (float v : s) if (v != s[0]) varied++;
      assertTrue(!w.weight().range().signed());
    }
    assertTrue(varied > 0, "per-channel scales");
    for (ActivationEntry a : plan.activations())
      assertTrue(!a.quant().uniformParams().range().signed(), a.tensor());
    assertEquals(9, plan.replacements().size(), "bias correction on every MatMul/Gemm linear");
  }

  @Test
  void trainedModelKeepsItsPredictionsAtW6A6() throws Exception {
    ModelProto fp32 = ModelIO.read(TestData.TESTMODELS.resolve("vit_fmnist_op13.onnx")).toProto();
    Dataset calib = new NpyDataset(TestData.TESTMODELS.resolve("fmnist_calib.npy"), null, 32);
    Dataset test = new NpyDataset(TestData.TESTMODELS.resolve("fmnist_test.npy"), null, 200);
    Converter.Result r =
        convert(new PtqVit(6, 6, SimilarityGrid.ONNXQ, true, true), Settings.DEFAULTS, fp32, calib);
    var e = new Evaluator(50, Progress.SILENT).evaluate(r.model(), fp32, test);
    assertTrue(e.meanCosine() > 0.99, "logit cosine " + e.meanCosine());
    assertTrue(e.agreement() > 95, "agreement " + e.agreement());
  }

  @Test
  void mixedPrecisionMeetsTheBudgetWithTheLeastSensitivity() {
    ModelProto fp32 = tiny();
    Dataset data = TestData.random(dir, 16, 3, 8, 8);
    Settings s = Settings.DEFAULTS.withBudget(new SizeBudget.AvgBits(5));
    Converter.Result r =
        convert(new PtqVit(5, 5, SimilarityGrid.ONNXQ, false, false), s, fp32, data);
    MixedPrecision.Allocation a = r.report().mixedPrecision();
    List<MixedPrecision.Module> ms = a.modules();
    assertEquals(4, ms.size(), "MSA and MLP of 2 blocks");
    assertTrue(a.averageBits() <= 5.0 + 1e-9, "average " + a.averageBits());
    assertTrue(a.nominalBytes() <= a.budgetBytes());
    assertEquals(a.nominalBytes(), r.report().nominalBytes(), 1e-6);

    // Exhaustive check over the 5^4 assignments: none within budget is less sensitive.
    long fixed = (long) (a.nominalBytes() * 8);
    for (MixedPrecision.Module m : ms) fixed -= m.params() * m.bits();
    double chosen = 0;
    for (MixedPrecision.Module m : ms) chosen += m.sensitivity()[index(m, m.bits())];
    int[] c = ms.get(0).candidates();
    int combos = (int) Math.pow(c.length, ms.size());
    for (int k = 0; k < combos; k++) {
      long bits = fixed;
      double cost = 0;
      for (int i = 0, rest = k; i < ms.size(); i++, rest /= c.length) {
        bits += ms.get(i).params() * c[rest % c.length];
        cost += ms.get(i).sensitivity()[rest % c.length];
      }
      if (bits <= a.budgetBytes() * 8) assertTrue(cost >= chosen - 1e-9, "assignment " + k);
    }

    // The plan holds the widths: each module's weights, inputs and (MSA) attention operands.
    QuantPlan plan = r.plan();
    var structure = VitPatternFinder.find(new OnnxModel(fp32).graph());
    for (MixedPrecision.Module m : ms) {
      for (var l : structure.linears()) {
        if (!m.layers().contains(l.moduleName())) continue;
        assertEquals(m.bits(), plan.weights().get(l.weight()).bits(), l.moduleName());
      }
    }
    for (int b = 0; b < 2; b++) {
      Attention at = structure.blocks().get(b).attention();
      int msaBits = ms.get(2 * b).bits();
      assertEquals(msaBits, plan.activation(at.qInput()).orElseThrow().quant().bits());
      assertEquals(msaBits, plan.activation(at.probs()).orElseThrow().quant().bits());
    }
  }

  private static int index(MixedPrecision.Module m, int bits) {
    for (int i = 0; i < m.candidates().length; i++) if (m.candidates()[i] == bits) return i;
    throw new AssertionError(bits);
  }

  @Test
  void mixedPrecisionWithAdaLogStaysExact() {
    ModelProto fp32 = tiny();
    Dataset data = TestData.random(dir, 16, 3, 8, 8);
    Settings s = Settings.DEFAULTS.withBudget(new SizeBudget.AvgBits(6));
    Converter.Result r = convert(AdaLog.of(6, 6), s, fp32, data);
    assertTrue(r.report().mixedPrecision().averageBits() <= 6.0 + 1e-9);
    for (Verifier.OpResult v : new Verifier(8, Progress.SILENT).verify(r.model(), data))
      assertEquals(0, v.mismatches(), v.toString());
  }

  @Test
  void budgetsThatCannotBeMetAndRecipesWithoutWidthsAreRefused() {
    ModelProto fp32 = tiny();
    Dataset data = TestData.random(dir, 8, 3, 8, 8);
    OnnxqException small =
        assertThrows(
            OnnxqException.class,
            () ->
                convert(
                    new PtqVit(6, 6, SimilarityGrid.PAPER, false, false),
                    Settings.DEFAULTS.withBudget(new SizeBudget.TargetSize(0.001)),
                    fp32,
                    data));
    assertTrue(
        small.getMessage().startsWith("the size budget (0.00 MB nominal) is below"),
        small.getMessage());
    OnnxqException w8 =
        assertThrows(
            OnnxqException.class,
            () ->
                convert(
                    W8A8.defaults(),
                    Settings.DEFAULTS.withBudget(new SizeBudget.AvgBits(6)),
                    fp32,
                    data));
    assertEquals(
        "--avg-bits/--target-size choose widths for --similarity or --adalog; add one of them",
        w8.getMessage());
  }
}
