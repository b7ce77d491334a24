package io.onnxq.ops;

import io.onnxq.model.Graph;
import io.onnxq.model.Node;
import io.onnxq.proto.Onnx;
import io.onnxq.proto.Onnx.TensorProto.DataType;
import java.util.List;

/**
 * A {@code com.onnxq} custom op, all of it in one place: its typed signature, its ONNX function
 * body (the semantics ORT runs), and the check that recomputes a call with its Java reference
 * kernel in {@code io.onnxq.runtime} (the specification the body must match).
 */
public interface CustomOp {

  /** Op type, also the FunctionProto name. */
  String name();

  /** Formal inputs, in call order (all tensors; bodies take no attributes). */
  List<Port> inputs();

  /** Formal outputs, in call order. */
  List<Port> outputs();

  /** Model-local function to put into {@code ModelProto.functions}. */
  Onnx.FunctionProto function();

  /** Element type of input {@code i} of this call; ops that accept several carriers override it. */
  default DataType inputType(Node call, Graph g, int i) {
    return inputs().get(i).type();
  }

  /**
   * Recomputes one call with the Java kernel from the values ORT produced and compares its outputs.
   */
  Comparison check(CallValues values);

  /** A call node of this op; {@code actualInputs}/{@code actualOutputs} are graph value names. */
  default Onnx.NodeProto call(
      String nodeName, List<String> actualInputs, List<String> actualOutputs) {
    if (actualInputs.size() != inputs().size() || actualOutputs.size() != outputs().size()) {
      throw new IllegalArgumentException(
          name()
              + " takes "
              + inputs().size()
              + " inputs and "
              + outputs().size()
              + " outputs, got "
              + actualInputs.size()
              + " and "
              + actualOutputs.size());
    }
    return Onnx.NodeProto.newBuilder()
        .setName(nodeName)
        .setOpType(name())
        .setDomain(CustomOps.DOMAIN)
        .addAllInput(actualInputs)
        .addAllOutput(actualOutputs)
        .build();
  }

  /** Formal input names, in order (what the function body refers to). */
  static List<String> names(List<Port> ports) {
    return ports.stream().map(Port::name).toList();
  }
}
