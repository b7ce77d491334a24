package io.onnxq.verify;

import io.onnxq.model.Graph;
import io.onnxq.model.Node;
import io.onnxq.ops.CustomOp;
import io.onnxq.ops.CustomOps;
import io.onnxq.proto.Onnx.AttributeProto;
import io.onnxq.proto.Onnx.TensorProto.DataType;
import io.onnxq.proto.Onnx.ValueInfoProto;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Element types of a graph's tensors, from the declared inputs and outputs, the constants and each
 * op's semantics. Unlike normalize's ElementTypes, which must stay unknown where in doubt (it
 * decides which Casts are no-ops), an unlisted op here takes the type of its first typed input:
 * good enough to tell float from integer. Nodes need not be in topological order.
 */
final class TensorTypes {
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
  private static final Set<Integer> FLOATS =
      Set.of(
          DataType.FLOAT_VALUE,
          DataType.FLOAT16_VALUE,
          DataType.DOUBLE_VALUE,
          DataType.BFLOAT16_VALUE,
          DataType.FLOAT8E4M3FN_VALUE,
          DataType.FLOAT8E4M3FNUZ_VALUE,
          DataType.FLOAT8E5M2_VALUE,
          DataType.FLOAT8E5M2FNUZ_VALUE,
          DataType.FLOAT4E2M1_VALUE);

  private final Map<String, Integer> types = new HashMap<>();

  TensorTypes(Graph g) {
    for (ValueInfoProto v : g.dataInputs()) declare(v);
    for (ValueInfoProto v : g.outputs()) declare(v);
    g.initializers().forEach((name, t) -> types.put(name, t.getDataType()));
    // Each pass types at least one more tensor or ends the loop.
    boolean changed = true;
    while (changed) {
      changed = false;
      for (Node n : g.nodes()) {
        List<Integer> out = infer(n);
        for (int i = 0; i < out.size() && i < n.outputs().size(); i++) {
          if (out.get(i) != 0 && types.putIfAbsent(n.output(i), out.get(i)) == null) changed = true;
        }
      }
    }
  }

  private void declare(ValueInfoProto v) {
    if (v.hasType() && v.getType().hasTensorType()) {
      int t = v.getType().getTensorType().getElemType();
      if (t != 0) types.put(v.getName(), t);
    }
  }

  /** The element type (a TensorProto.DataType number), or 0 when unknown. */
  int of(String tensor) {
    return types.getOrDefault(tensor, 0);
  }

  /** Known, and not a floating-point type. */
  boolean isNonFloat(String tensor) {
    int t = of(tensor);
    return t != 0 && !FLOATS.contains(t);
  }

  /** Output types in output order; 0 where not (yet) known. */
  private List<Integer> infer(Node n) {
    if (n.domain().equals(CustomOps.DOMAIN)) {
      Optional<CustomOp> op = CustomOps.find(n.opType());
      return op.map(o -> o.outputs().stream().map(p -> p.type().getNumber()).toList())
          .orElse(List.of());
    }
    String op = n.opType();
    if (op.equals("Split")) return Collections.nCopies(n.outputs().size(), in(n, 0));
    return List.of(first(n, op));
  }

  private int first(Node n, String op) {
    switch (op) {
      case "Constant":
        return constantType(n);
      case "Cast":
        return (int) n.intAttr("to", 0);
      case "CastLike":
        return in(n, 1);
      case "QuantizeLinear":
        if (n.intAttr("output_dtype", 0) != 0) return (int) n.intAttr("output_dtype", 0);
        return n.input(2).isEmpty() ? DataType.UINT8_VALUE : in(n, 2);
      case "DequantizeLinear":
        return in(n, 1) != 0 ? in(n, 1) : DataType.FLOAT_VALUE;
      case "ConstantOfShape":
        AttributeProto v = n.attribute("value");
        return v == null ? DataType.FLOAT_VALUE : v.getT().getDataType();
      case "Where":
        return in(n, 1);
      default:
        if (BOOL_OUT.contains(op)) return DataType.BOOL_VALUE;
        if (INT64_OUT.contains(op)) return DataType.INT64_VALUE;
        for (String i : n.inputs()) if (of(i) != 0) return of(i);
        return 0;
    }
  }

  private static int constantType(Node n) {
    if (n.attribute("value") != null) return n.attribute("value").getT().getDataType();
    if (n.attribute("value_float") != null || n.attribute("value_floats") != null)
      return DataType.FLOAT_VALUE;
    if (n.attribute("value_int") != null || n.attribute("value_ints") != null)
      return DataType.INT64_VALUE;
    return 0;
  }

  private int in(Node n, int i) {
    return n.input(i).isEmpty() ? 0 : of(n.input(i));
  }
}
