package io.onnxq.rewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onnxq.pattern.Attention;
import io.onnxq.plan.ActivationQuant;
import io.onnxq.plan.QuantPlan;
import io.onnxq.proto.Onnx.ModelProto;
import io.onnxq.proto.Onnx.NodeProto;
import io.onnxq.quant.AdaLogQuantizer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogQuantRewriteTest {
  @TempDir Path dir;

  @Test
  void aLogEntryPutsItsCodesBetweenTheTensorAndEveryReader() {
    RuleFixture f = new RuleFixture(dir);
    Attention a = f.structure.attentions().get(0);
    AdaLogQuantizer log2 = AdaLogQuantizer.postSoftmax(4, AdaLogQuantizer.LOG2_Q);
    QuantPlan plan =
        new QuantPlan.Builder("test")
            .activation(a.probs(), "probs", new ActivationQuant.Log(log2), false)
            .build();

    ModelProto q = f.rewrite(plan, new LogQuantRewrite());

    assertEquals(1, RuleFixture.count(q, "AdaLogQuantize"));
    assertEquals(1, RuleFixture.count(q, "AdaLogDequantize"));
    List<NodeProto> readers = RuleFixture.consumers(q, a.probs());
    assertEquals(List.of("AdaLogQuantize"), readers.stream().map(NodeProto::getOpType).toList());
    NodeProto av = RuleFixture.producer(q, a.av().output(0));
    assertEquals("AdaLogDequantize", RuleFixture.producer(q, av.getInput(0)).getOpType());
    f.assertKernelsExact(q);
    assertTrue(f.cosine(q) > 0.8, "logit cosine " + f.cosine(q));
  }
}
