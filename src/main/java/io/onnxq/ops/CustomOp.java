package io.onnxq.ops;

import io.onnxq.proto.Onnx;
import java.util.List;

/** A {@code com.onnxq} custom op whose semantics are given by an ONNX function body. */
public interface CustomOp {

    /** Op type, also the FunctionProto name. */
    String name();

    /** Formal input names, in call order (all tensors; bodies take no attributes). */
    List<String> inputs();

    /** Formal output names, in call order. */
    List<String> outputs();

    /** Model-local function to put into {@code ModelProto.functions}. */
    Onnx.FunctionProto function();

    /** A call node of this op; {@code actualInputs}/{@code actualOutputs} are graph value names. */
    default Onnx.NodeProto call(String nodeName, List<String> actualInputs, List<String> actualOutputs) {
        if (actualInputs.size() != inputs().size() || actualOutputs.size() != outputs().size()) {
            throw new IllegalArgumentException(name() + " takes " + inputs().size() + " inputs and "
                    + outputs().size() + " outputs, got " + actualInputs.size() + " and " + actualOutputs.size());
        }
        return Onnx.NodeProto.newBuilder()
                .setName(nodeName)
                .setOpType(name())
                .setDomain(CustomOps.DOMAIN)
                .addAllInput(actualInputs)
                .addAllOutput(actualOutputs)
                .build();
    }
}
