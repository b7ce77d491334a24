package io.onnxq.rewrite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.onnxq.model.Tensors;
import io.onnxq.pattern.LinearLayer;
import io.onnxq.plan.QuantPlan;
import io.onnxq.proto.Onnx.ModelProto;
import io.onnxq.proto.Onnx.TensorProto;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InitializerReplaceRewriteTest {
  @TempDir Path dir;

  @Test
  void writesPlannedValuesInTheOldShape() {
    RuleFixture f = new RuleFixture(dir);
    LinearLayer head = f.structure.linears(LinearLayer.Role.HEAD).get(0);
    TensorProto w = f.graph().initializer(head.weight()).orElseThrow();
    float[] bias = Tensors.toFloats(f.graph().initializer(head.bias()).orElseThrow());
    QuantPlan plan =
        new QuantPlan.Builder("test")
            .replace(head.weight(), new float[Tensors.toFloats(w).length])
            .build();

    ModelProto q = f.rewrite(plan, new InitializerReplaceRewrite());

    TensorProto replaced =
        q.getGraph().getInitializerList().stream()
            .filter(t -> t.getName().equals(head.weight()))
            .findFirst()
            .orElseThrow();
    assertArrayEquals(Tensors.shape(w), Tensors.shape(replaced));
    // A zero head weight leaves only the bias: every sample's logits are the bias.
    float[] logits = f.logits(q);
    for (int i = 0; i < logits.length; i++)
      assertEquals(bias[i % bias.length], logits[i], 0f, "logit " + i);
  }
}
