package io.onnxq.rewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onnxq.calib.CalibrationStats;
import io.onnxq.calib.Tap;
import io.onnxq.pattern.GeluPattern;
import io.onnxq.plan.QuantPlan;
import io.onnxq.proto.Onnx.ModelProto;
import io.onnxq.proto.Onnx.NodeProto;
import io.onnxq.testutil.TinyVit;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class IntGeluRewriteTest {
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(TinyVit.Gelu.class)
  void everyGeluFormThePlanListsBecomesTheIntegerOpOnCodes(TinyVit.Gelu form) {
    RuleFixture f = new RuleFixture(dir, form);
    GeluPattern gelu = f.structure.blocks().get(0).gelu();
    String formOp =
        switch (form) {
          case ERF -> "Erf";
          case TANH -> "Tanh";
          case SIGMOID -> "Sigmoid";
          case OP -> "Gelu";
        };
    CalibrationStats stats = f.stats(new Tap(gelu.input(), false), new Tap(gelu.output(), false));
    QuantPlan plan =
        new QuantPlan.Builder("test")
            .activation(gelu.input(), "fc1.output", f.uint8(stats, gelu.input()), true)
            .activation(gelu.output(), "fc2.input", f.uint8(stats, gelu.output()), true)
            .intGelu(gelu.output())
            .build();

    ModelProto q = f.rewrite(plan, new IntGeluRewrite(), new ActivationQdqRewrite());

    assertEquals(1, RuleFixture.count(q, "IntGelu"));
    assertEquals(1, RuleFixture.count(q, formOp), "the unlisted block keeps its float GELU");
    NodeProto out = RuleFixture.producer(q, gelu.output());
    assertEquals("DequantizeLinear", out.getOpType());
    NodeProto op = RuleFixture.producer(q, out.getInput(0));
    assertEquals("IntGelu", op.getOpType());
    NodeProto in = RuleFixture.producer(q, op.getInput(0));
    assertEquals("QuantizeLinear", in.getOpType());
    assertEquals(gelu.input(), in.getInput(0), "IntGelu reads fc1's output codes");
    f.assertKernelsExact(q);
    assertTrue(f.cosine(q) > 0.98, "logit cosine " + f.cosine(q));
  }
}
