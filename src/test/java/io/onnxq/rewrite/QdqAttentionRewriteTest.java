package io.onnxq.rewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onnxq.calib.CalibrationStats;
import io.onnxq.calib.Tap;
import io.onnxq.pattern.Attention;
import io.onnxq.plan.QuantPlan;
import io.onnxq.proto.Onnx.ModelProto;
import io.onnxq.proto.Onnx.NodeProto;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QdqAttentionRewriteTest {
  @TempDir Path dir;

  @Test
  void bothMatmulsOfAPlannedAttentionReadQuantizedOperands() {
    RuleFixture f = new RuleFixture(dir);
    Attention a = f.structure.attentions().get(0);
    Attention untouched = f.structure.attentions().get(1);
    CalibrationStats stats =
        f.stats(
            new Tap(a.qInput(), false),
            new Tap(a.kInput(), false),
            new Tap(a.vInput(), false),
            new Tap(a.probs(), false));
    QuantPlan.Builder b = new QuantPlan.Builder("test");
    for (String t : new String[] {a.qInput(), a.kInput(), a.vInput(), a.probs()}) {
      b.activation(t, "test", f.uint8(stats, t), false);
    }

    ModelProto q = f.rewrite(b.build(), new QdqAttentionRewrite());

    for (String out : new String[] {a.qk().output(0), a.av().output(0)}) {
      NodeProto mm = RuleFixture.producer(q, out);
      for (int i = 0; i < 2; i++) {
        assertEquals(
            "DequantizeLinear",
            RuleFixture.producer(q, mm.getInput(i)).getOpType(),
            out + " input " + i);
      }
    }
    NodeProto other = RuleFixture.producer(q, untouched.qk().output(0));
    assertEquals(untouched.qInput(), other.getInput(0), "an attention without entries stays float");
    assertEquals(4, RuleFixture.count(q, "QuantizeLinear"));
    assertTrue(f.cosine(q) > 0.99, "logit cosine " + f.cosine(q));
  }
}
