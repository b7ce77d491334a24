package io.onnxq.rewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onnxq.calib.CalibrationStats;
import io.onnxq.calib.Tap;
import io.onnxq.pattern.LayerNormPattern;
import io.onnxq.plan.QuantPlan;
import io.onnxq.proto.Onnx.ModelProto;
import io.onnxq.proto.Onnx.NodeProto;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ActivationQdqRewriteTest {
  @TempDir Path dir;

  @Test
  void everyConsumerEntriesAreQuantizedForAllReadersAndKeepOutputNames() {
    RuleFixture f = new RuleFixture(dir);
    LayerNormPattern n1 = f.structure.blocks().get(0).norm1();
    LayerNormPattern n2 = f.structure.blocks().get(1).norm1();
    int readers = f.graph().consumers(n1.input()).size();
    CalibrationStats stats =
        f.stats(new Tap(n1.input(), false), new Tap(n2.input(), false), new Tap("logits", false));
    QuantPlan plan =
        new QuantPlan.Builder("test")
            .activation(n1.input(), "residual", f.uint8(stats, n1.input()), true)
            .activation(n2.input(), "operand only", f.uint8(stats, n2.input()), false)
            .activation("logits", "output", f.uint8(stats, "logits"), true)
            .build();

    ModelProto q = f.rewrite(plan, new ActivationQdqRewrite());

    assertEquals(2, readers, "the residual is read by its LayerNorm and the residual Add");
    for (NodeProto c : RuleFixture.consumers(q, n1.input())) {
      assertEquals("QuantizeLinear", c.getOpType(), "every reader goes through the Q/DQ pair");
    }
    assertEquals(
        2,
        RuleFixture.consumers(q, n2.input()).size(),
        "an operand-only entry is left to its op's rule");
    assertEquals(
        "DequantizeLinear",
        RuleFixture.producer(q, "logits").getOpType(),
        "the model output keeps its name");
    assertEquals(2, RuleFixture.count(q, "QuantizeLinear"));
    assertTrue(f.cosine(q) > 0.99, "logit cosine " + f.cosine(q));
  }
}
