package io.onnxq.rewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onnxq.calib.CalibrationStats;
import io.onnxq.calib.Tap;
import io.onnxq.pattern.LayerNormPattern;
import io.onnxq.plan.ActivationQuant;
import io.onnxq.plan.QuantPlan;
import io.onnxq.proto.Onnx.ModelProto;
import io.onnxq.proto.Onnx.NodeProto;
import io.onnxq.quant.IntRange;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PtsLayerNormRewriteTest {
  @TempDir Path dir;

  @Test
  void aLayerNormWithAPtfInputBecomesTheIntegerOp() {
    RuleFixture f = new RuleFixture(dir);
    LayerNormPattern ln = f.structure.blocks().get(0).norm1();
    int norms = f.structure.layerNorms().size();
    CalibrationStats stats = f.stats(new Tap(ln.input(), true), new Tap(ln.output(), false));
    QuantPlan plan =
        new QuantPlan.Builder("test")
            .activation(
                ln.input(),
                "ln.input",
                new ActivationQuant.Ptf(stats.ptf(ln.input(), IntRange.uint(8)), 3),
                true)
            .activation(ln.output(), "ln.output", f.uint8(stats, ln.output()), true)
            .build();

    ModelProto q = f.rewrite(plan, new PtsLayerNormRewrite());

    assertEquals(1, RuleFixture.count(q, "PtsLayerNorm"));
    assertEquals(
        norms - 1,
        RuleFixture.count(q, "LayerNormalization"),
        "norms without a PTF entry stay float");
    NodeProto out = RuleFixture.producer(q, ln.output());
    assertEquals("DequantizeLinear", out.getOpType());
    assertEquals("PtsLayerNorm", RuleFixture.producer(q, out.getInput(0)).getOpType());
    for (NodeProto c : RuleFixture.consumers(q, ln.input())) {
      assertEquals("QuantizeLinear", c.getOpType(), "the residual reads the quantized input too");
    }
    f.assertKernelsExact(q);
    assertTrue(f.cosine(q) > 0.95, "logit cosine " + f.cosine(q));
  }
}
