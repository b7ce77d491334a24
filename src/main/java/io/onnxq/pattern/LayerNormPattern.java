package io.onnxq.pattern;

import io.onnxq.model.Node;
import java.util.List;

/**
 * A LayerNorm over the last axis: the LayerNormalization op or the decomposed
 * ReduceMean/Sub/Pow/ReduceMean/Add/Sqrt/Div/Mul/Add chain.
 */
public record LayerNormPattern(
    List<Node> nodes, String input, String output, String gamma, String beta, float epsilon) {
  public boolean fused() {
    return nodes.size() == 1;
  }
}
