package io.onnxq.rewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onnxq.calib.CalibrationStats;
import io.onnxq.calib.Tap;
import io.onnxq.pattern.Attention;
import io.onnxq.pattern.LinearLayer;
import io.onnxq.plan.ActivationQuant;
import io.onnxq.plan.QuantPlan;
import io.onnxq.proto.Onnx.ModelProto;
import io.onnxq.proto.Onnx.NodeProto;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LisSoftmaxRewriteTest {
  @TempDir Path dir;

  @Test
  void probabilitiesPlannedAsLog2CodesBecomeTheIntegerSoftmaxAndShiftMatmul() {
    RuleFixture f = new RuleFixture(dir);
    Attention a = f.structure.attentions().get(0);
    LinearLayer proj = f.structure.blocks().get(0).proj();
    CalibrationStats stats =
        f.stats(
            new Tap(a.logits(), false), new Tap(a.vInput(), false), new Tap(proj.input(), false));
    // The int32 accumulator's DequantizeLinear must be followed by a quantized consumer (as every
    // recipe that plans LIS does): ORT's Q/DQ propagation would otherwise move it past the
    // Transpose and build a QuantizeLinear with an int32 zero point. So proj's input grid is
    // planned
    // too, and its rule runs after the one under test.
    QuantPlan plan =
        new QuantPlan.Builder("test")
            .activation(a.logits(), "logits", f.uint8(stats, a.logits()), false)
            .activation(a.vInput(), "v", f.uint8(stats, a.vInput()), false)
            .activation(a.probs(), "probs", new ActivationQuant.LogIntCodes(4), false)
            .activation(proj.input(), "proj.input", f.uint8(stats, proj.input()), false)
            .weight(QdqLinearRewriteTest.int8(f, proj))
            .build();

    ModelProto q = f.rewrite(plan, new LisSoftmaxRewrite(), new QdqLinearRewrite());

    assertEquals(1, RuleFixture.count(q, "LogIntSoftmax"));
    assertEquals(1, RuleFixture.count(q, "LogIntAttnMatMul"));
    assertEquals(1, RuleFixture.count(q, "Softmax"), "the other attention keeps its float softmax");
    NodeProto out = RuleFixture.producer(q, a.output());
    assertEquals("DequantizeLinear", out.getOpType(), "the attention output keeps its name");
    assertEquals("LogIntAttnMatMul", RuleFixture.producer(q, out.getInput(0)).getOpType());
    f.assertKernelsExact(q);
    assertTrue(f.cosine(q) > 0.9, "logit cosine " + f.cosine(q));
  }
}
