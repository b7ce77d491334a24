package io.onnxq.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onnxq.OnnxqException;
import io.onnxq.calib.Progress;
import io.onnxq.data.Dataset;
import io.onnxq.eval.Evaluator;
import io.onnxq.model.OnnxModel;
import io.onnxq.plan.QuantPlan;
import io.onnxq.proto.Onnx.ModelProto;
import io.onnxq.proto.Onnx.NodeProto;
import io.onnxq.proto.Onnx.TensorProto;
import io.onnxq.recipe.AdaLog;
import io.onnxq.recipe.LayerOverrides;
import io.onnxq.recipe.Recipe;
import io.onnxq.recipe.Settings;
import io.onnxq.recipe.W8A8;
import io.onnxq.testutil.TestData;
import io.onnxq.testutil.TinyVit;
import io.onnxq.verify.Verifier;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --keep-float / --bits: per-layer exceptions reach the plan and the written model. */
class LayerOverridesTest {
  @TempDir Path dir;

  private Converter.Result convert(Recipe r, LayerOverrides o, ModelProto fp32, Dataset data) {
    return new Converter(r, Settings.DEFAULTS.withOverrides(o), Progress.SILENT)
        .convert(new OnnxModel(fp32), data, "tiny");
  }

  private static long count(ModelProto m, String op) {
    return m.getGraph().getNodeList().stream().map(NodeProto::getOpType).filter(op::equals).count();
  }

  @Test
  void keptFloatAndNarrowedLayersInAW8a8Model() {
    ModelProto fp32 = TinyVit.build(TinyVit.Norm.FUSED, TinyVit.Gelu.ERF, TinyVit.Scale.MUL_Q, 2);
    Dataset data = TestData.random(dir, 16, 3, 8, 8);
    LayerOverrides o = LayerOverrides.parse(List.of("b0.fc1*"), List.of("head*=4"));
    Converter.Result r = convert(W8A8.defaults(), o, fp32, data);
    QuantPlan plan = r.plan();

    assertNull(plan.weight("b0.fc1.w"), "kept float: no weight entry");
    assertTrue(
        r.model().getGraph().getInitializerList().stream()
            .anyMatch(
                t ->
                    t.getName().equals("b0.fc1.w")
                        && t.getDataType() == TensorProto.DataType.FLOAT_VALUE),
        "the float weight is written as it was");
    assertEquals(4, plan.weight("head.w").bits());
    assertEquals(
        1,
        r.model().getGraph().getInitializerList().stream()
            .filter(
                t -> t.getDataType() == TensorProto.DataType.UINT4_VALUE && t.getDimsCount() == 2)
            .count(),
        "the 4-bit head weight is stored as UINT4");
    assertEquals(8, plan.weight("b1.fc1.w").bits());
    assertEquals(
        10 + 2 * 4 - 1, count(r.model(), "QuantizeLinear"), "fc1 of block 0 has no input Q");
    double cos = new Evaluator(8, Progress.SILENT).evaluate(r.model(), fp32, data).meanCosine();
    assertTrue(cos > 0.9, "logit cosine " + cos);
  }

  @Test
  void adaLogSkipsAKeptFloatFc2AndSearchesOthersAtTheirWidth() {
    ModelProto fp32 =
        TinyVit.build(TinyVit.Norm.DECOMPOSED, TinyVit.Gelu.ERF, TinyVit.Scale.MUL_Q, 2);
    Dataset data = TestData.random(dir, 16, 3, 8, 8);
    LayerOverrides o = LayerOverrides.parse(List.of("b1.fc2*"), List.of("b0.*=8"));
    Converter.Result r = convert(AdaLog.of(4, 4), o, fp32, data);

    assertNull(r.plan().weight("b1.fc2.w"));
    assertEquals(8, r.plan().weight("b0.qkv.w").bits());
    assertEquals(4, r.plan().weight("b1.qkv.w").bits());
    // The attention follows its block's qkv width (the MSA module): block 0's probabilities and
    // fc2 input are 8-bit AdaLog (the uint16 carrier), block 1's probabilities 4-bit, its fc2
    // input float.
    assertEquals(1, count(r.model(), "AdaLogQuantize"), "block 1's probabilities");
    assertEquals(2, count(r.model(), "AdaLogQuantize16"), "block 0's probabilities and fc2 input");
    for (Verifier.OpResult v : new Verifier(8, Progress.SILENT).verify(r.model(), data)) {
      assertEquals(0, v.mismatches(), v.toString());
    }
    double cos = new Evaluator(8, Progress.SILENT).evaluate(r.model(), fp32, data).meanCosine();
    assertTrue(cos > 0.6, "logit cosine " + cos);
  }

  @Test
  void anOverrideThatMatchesNoLayerIsRefused() {
    ModelProto fp32 = TinyVit.build(TinyVit.Norm.FUSED, TinyVit.Gelu.ERF, TinyVit.Scale.MUL_Q, 1);
    Dataset data = TestData.random(dir, 8, 3, 8, 8);
    OnnxqException e =
        assertThrows(
            OnnxqException.class,
            () ->
                convert(
                    W8A8.defaults(),
                    LayerOverrides.parse(List.of("blocks.9.*"), null),
                    fp32,
                    data));
    assertTrue(
        e.getMessage().startsWith("--keep-float 'blocks.9.*' matches no linear layer"),
        e.getMessage());
  }
}
