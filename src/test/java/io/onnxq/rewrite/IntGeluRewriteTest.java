package io.onnxq.rewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onnxq.OnnxqException;
import io.onnxq.calib.CalibrationStats;
import io.onnxq.calib.Tap;
import io.onnxq.pattern.GeluPattern;
import io.onnxq.plan.ActivationQuant;
import io.onnxq.plan.QuantPlan;
import io.onnxq.proto.Onnx.ModelProto;
import io.onnxq.proto.Onnx.NodeProto;
import io.onnxq.quant.Gelu;
import io.onnxq.quant.IntRange;
import io.onnxq.quant.QuantParams;
import io.onnxq.recipe.GeluMode;
import io.onnxq.testutil.TinyVit;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class IntGeluRewriteTest {
  @TempDir Path dir;

  static Stream<Arguments> formsAndModes() {
    return Stream.of(TinyVit.Gelu.values())
        .flatMap(f -> Stream.of(GeluMode.TABLE, GeluMode.IBERT).map(m -> Arguments.of(f, m)));
  }

  @ParameterizedTest
  @MethodSource("formsAndModes")
  void everyGeluFormThePlanListsBecomesTheIntegerOpOnCodes(TinyVit.Gelu form, GeluMode mode) {
    RuleFixture f = new RuleFixture(dir, form);
    GeluPattern gelu = f.structure.blocks().get(0).gelu();
    String formOp =
        switch (form) {
          case ERF -> "Erf";
          case TANH -> "Tanh";
          case SIGMOID -> "Sigmoid";
          case OP -> "Gelu";
        };
    String opType = mode == GeluMode.TABLE ? "GeluTable" : "IntGelu";
    String otherOp = mode == GeluMode.TABLE ? "IntGelu" : "GeluTable";
    CalibrationStats stats = f.stats(new Tap(gelu.input(), false), new Tap(gelu.output(), false));
    QuantPlan plan =
        new QuantPlan.Builder("test")
            .activation(gelu.input(), "fc1.output", f.uint8(stats, gelu.input()), true)
            .activation(gelu.output(), "fc2.input", f.uint8(stats, gelu.output()), true)
            .intGelu(gelu.output(), mode)
            .build();

    ModelProto q = f.rewrite(plan, new IntGeluRewrite(), new ActivationQdqRewrite());

    assertEquals(1, RuleFixture.count(q, opType));
    assertEquals(0, RuleFixture.count(q, otherOp));
    assertEquals(1, RuleFixture.count(q, formOp), "the unlisted block keeps its float GELU");
    NodeProto out = RuleFixture.producer(q, gelu.output());
    assertEquals("DequantizeLinear", out.getOpType());
    NodeProto op = RuleFixture.producer(q, out.getInput(0));
    assertEquals(opType, op.getOpType());
    NodeProto in = RuleFixture.producer(q, op.getInput(0));
    assertEquals("QuantizeLinear", in.getOpType());
    assertEquals(gelu.input(), in.getInput(0), opType + " reads fc1's output codes");
    f.assertKernelsExact(q);
    assertTrue(f.cosine(q) > 0.98, "logit cosine " + f.cosine(q));
  }

  @Test
  void theTableFollowsTheSourceForm() {
    assertEquals(
        Gelu.Form.ERF, new RuleFixture(dir, TinyVit.Gelu.ERF).structure.gelus().get(0).function());
    assertEquals(
        Gelu.Form.SIGMOID,
        new RuleFixture(dir, TinyVit.Gelu.SIGMOID).structure.gelus().get(0).function());
    assertEquals(
        Gelu.Form.TANH,
        new RuleFixture(dir, TinyVit.Gelu.TANH).structure.gelus().get(0).function());
  }

  @Test
  void aNarrowerGridOnEitherSideIsRefusedInOneLine() {
    RuleFixture f = new RuleFixture(dir, TinyVit.Gelu.ERF);
    GeluPattern gelu = f.structure.blocks().get(0).gelu();
    CalibrationStats stats = f.stats(new Tap(gelu.input(), false), new Tap(gelu.output(), false));
    QuantPlan plan =
        new QuantPlan.Builder("test")
            .activation(gelu.input(), "fc1.output", f.uint8(stats, gelu.input()), true)
            .activation(
                gelu.output(),
                "fc2.input",
                ActivationQuant.Uniform.perTensor(
                    QuantParams.perTensor(0.1f, 2, IntRange.uint(6)), 6),
                true)
            .intGelu(gelu.output(), GeluMode.TABLE)
            .build();
    OnnxqException e =
        assertThrows(
            OnnxqException.class,
            () -> f.rewrite(plan, new IntGeluRewrite(), new ActivationQdqRewrite()));
    assertTrue(e.getMessage().startsWith("--int-gelu needs 8-bit codes"), e.getMessage());
  }
}
