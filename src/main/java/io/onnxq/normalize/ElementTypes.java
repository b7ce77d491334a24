package io.onnxq.normalize;

import io.onnxq.model.Graph;
import io.onnxq.model.Node;
import io.onnxq.proto.Onnx.AttributeProto;
import io.onnxq.proto.Onnx.TensorProto.DataType;
import io.onnxq.proto.Onnx.ValueInfoProto;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Element types of the graph's tensors, propagated forward from the inputs, initializers and
 * declared value_info. Only as much as the normaliser needs to tell a no-op Cast: a tensor whose
 * type cannot be derived is simply unknown.
 */
final class ElementTypes {
  private static final Set<String> BOOL_OUT =
      Set.of(
          "Equal",
          "Less",
          "Greater",
          "LessOrEqual",
          "GreaterOrEqual",
          "Not",
          "And",
          "Or",
          "Xor",
          "IsNaN",
          "IsInf");
  private static final Set<String> INT64_OUT =
      Set.of("Shape", "Size", "ArgMax", "ArgMin", "NonZero");

  /** Ops whose output has the element type of their first input. */
  private static final Set<String> SAME_AS_INPUT =
      Set.of(
          "Add",
          "Sub",
          "Mul",
          "Div",
          "Pow",
          "Sqrt",
          "Exp",
          "Log",
          "Erf",
          "Tanh",
          "Sigmoid",
          "Relu",
          "Neg",
          "Abs",
          "Reciprocal",
          "Softmax",
          "LogSoftmax",
          "MatMul",
          "Gemm",
          "Conv",
          "LayerNormalization",
          "ReduceMean",
          "ReduceSum",
          "ReduceMax",
          "ReduceMin",
          "Reshape",
          "Transpose",
          "Squeeze",
          "Unsqueeze",
          "Flatten",
          "Gather",
          "GatherElements",
          "Slice",
          "Split",
          "Concat",
          "Expand",
          "Tile",
          "Identity",
          "Dropout",
          "Pad",
          "Max",
          "Min",
          "Clip",
          "Gelu",
          "Floor",
          "Ceil",
          "Round",
          "Mod",
          "Range",
          "Einsum",
          "GlobalAveragePool",
          "AveragePool",
          "MaxPool",
          "BatchNormalization",
          "CumSum",
          "Sin",
          "Cos");

  private final Map<String, Integer> types = new HashMap<>();

  ElementTypes(Graph g, List<ValueInfoProto> valueInfo) {
    for (ValueInfoProto v : valueInfo) declare(v);
    for (ValueInfoProto v : g.dataInputs()) declare(v);
    g.initializers().forEach((name, t) -> types.put(name, t.getDataType()));
    for (Node n : g.topologicalOrder()) {
      Integer t = infer(n);
      if (t == null) continue;
      for (int i = 0; i < (n.is("Split") ? n.outputs().size() : 1); i++)
        types.putIfAbsent(n.output(i), t);
    }
  }

  private void declare(ValueInfoProto v) {
    if (v.hasType()
        && v.getType().hasTensorType()
        && v.getType().getTensorType().getElemType() != 0) {
      types.put(v.getName(), v.getType().getTensorType().getElemType());
    }
  }

  /** The element type (a TensorProto.DataType number), or 0 when unknown. */
  int of(String tensor) {
    return types.getOrDefault(tensor, 0);
  }

  private Integer infer(Node n) {
    if (!n.domain().isEmpty() && !n.domain().equals("ai.onnx")) return null;
    String op = n.opType();
    if (op.equals("Cast")) return (int) n.intAttr("to", 0);
    if (op.equals("CastLike")) return nonZero(of(n.input(1)));
    if (BOOL_OUT.contains(op)) return DataType.BOOL_VALUE;
    if (INT64_OUT.contains(op)) return DataType.INT64_VALUE;
    if (op.equals("DequantizeLinear")) return DataType.FLOAT_VALUE;
    if (op.equals("QuantizeLinear"))
      return n.inputCount() > 2 ? nonZero(of(n.input(2))) : DataType.UINT8_VALUE;
    if (op.equals("Constant")) {
      AttributeProto v = n.attribute("value");
      return v == null ? null : v.getT().getDataType();
    }
    if (op.equals("ConstantOfShape")) {
      AttributeProto v = n.attribute("value");
      return v == null ? DataType.FLOAT_VALUE : v.getT().getDataType();
    }
    if (op.equals("Where")) return nonZero(of(n.input(1)));
    return SAME_AS_INPUT.contains(op) && n.inputCount() > 0 ? nonZero(of(n.input(0))) : null;
  }

  private static Integer nonZero(int t) {
    return t == 0 ? null : t;
  }
}
