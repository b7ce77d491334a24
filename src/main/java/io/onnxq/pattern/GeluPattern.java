package io.onnxq.pattern;

import io.onnxq.model.Node;
import io.onnxq.proto.Onnx.AttributeProto;
import io.onnxq.quant.Gelu;
import java.util.List;

/**
 * GELU in any exported form; {@code form} is "erf", "tanh", "sigmoid" (x * sigmoid(1.702 x)) or
 * "op" (ONNX Gelu, or FastGelu).
 */
public record GeluPattern(List<Node> nodes, String input, String output, String form) {

  /** The function the source model computes here. */
  public Gelu.Form function() {
    return switch (form) {
      case "tanh" -> Gelu.Form.TANH;
      case "sigmoid" -> Gelu.Form.SIGMOID;
      case "op" -> opFunction(nodes.get(0));
      default -> Gelu.Form.ERF;
    };
  }

  /** FastGelu is the tanh form; ONNX Gelu is, unless {@code approximate = "tanh"}, erf. */
  private static Gelu.Form opFunction(Node n) {
    if (n.opType().equals("FastGelu")) return Gelu.Form.TANH;
    AttributeProto a = n.attribute("approximate");
    return a != null && a.getS().toStringUtf8().equals("tanh") ? Gelu.Form.TANH : Gelu.Form.ERF;
  }
}
