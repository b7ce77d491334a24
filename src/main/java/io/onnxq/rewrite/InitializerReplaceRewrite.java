package io.onnxq.rewrite;

import io.onnxq.model.Graph;
import io.onnxq.model.Tensors;
import io.onnxq.proto.Onnx.TensorProto;
import java.util.Map;

/**
 * Writes the float initializers a planner changed (RepQ-ViT reparameterized LayerNorm affine and
 * weights, biases with a folded AdaLog shift) before any weight is quantized.
 */
public final class InitializerReplaceRewrite implements Rewrite {
  @Override
  public String name() {
    return "replace-initializers";
  }

  @Override
  public void apply(RewriteContext ctx) {
    Graph g = ctx.model().graph();
    for (Map.Entry<String, float[]> e : ctx.plan().replacements().entrySet()) {
      TensorProto old = g.initializer(e.getKey()).orElseThrow();
      g.putInitializer(Tensors.floats(e.getKey(), e.getValue(), Tensors.shape(old)));
    }
  }
}
