package io.onnxq.model;

import io.onnxq.proto.Onnx.FunctionProto;
import io.onnxq.proto.Onnx.GraphProto;
import io.onnxq.proto.Onnx.ModelProto;
import io.onnxq.proto.Onnx.NodeProto;
import io.onnxq.proto.Onnx.OperatorSetIdProto;
import io.onnxq.proto.Onnx.TensorProto;
import io.onnxq.proto.Onnx.TensorProto.DataType;
import io.onnxq.proto.Onnx.ValueInfoProto;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The subset of the ONNX checker's rules that onnxq's outputs rely on: IR version for local
 * functions, an opset import per used domain, a body for every custom-domain call, single
 * assignment of tensor names, defined inputs, produced outputs, unique node names, and initializer
 * payloads that match their shapes (4-bit types packed two per byte).
 */
public final class ModelChecker {
  private ModelChecker() {}

  public static List<String> check(ModelProto m) {
    List<String> problems = new ArrayList<>();
    Set<String> domains = new HashSet<>();
    for (OperatorSetIdProto o : m.getOpsetImportList())
      domains.add(o.getDomain().equals("ai.onnx") ? "" : o.getDomain());
    if (m.getFunctionsCount() > 0 && m.getIrVersion() < 8) {
      problems.add("model-local functions need IR version >= 8, model has " + m.getIrVersion());
    }
    Set<String> functions = new HashSet<>();
    for (FunctionProto f : m.getFunctionsList()) {
      functions.add(f.getDomain() + "::" + f.getName());
      checkFunction(f, problems);
    }
    GraphProto g = m.getGraph();
    Set<String> defined = new HashSet<>();
    for (ValueInfoProto v : g.getInputList()) defined.add(v.getName());
    for (TensorProto t : g.getInitializerList()) {
      if (!defined.add(t.getName())
          && g.getInputList().stream().noneMatch(v -> v.getName().equals(t.getName()))) {
        problems.add("initializer '" + t.getName() + "' is defined twice");
      }
      checkPayload(t, problems);
    }
    Set<String> nodeNames = new HashSet<>();
    for (NodeProto n : g.getNodeList()) {
      String domain = n.getDomain().equals("ai.onnx") ? "" : n.getDomain();
      if (!domains.contains(domain))
        problems.add(
            "node '" + n.getName() + "' uses domain '" + domain + "' with no opset import");
      if (!domain.isEmpty()
          && !domain.startsWith("com.microsoft")
          && !functions.contains(domain + "::" + n.getOpType())) {
        problems.add(
            "node '"
                + n.getName()
                + "' calls "
                + domain
                + "::"
                + n.getOpType()
                + " but the model has no function for it");
      }
      if (!n.getName().isEmpty() && !nodeNames.add(n.getName()))
        problems.add("node name '" + n.getName() + "' is used twice");
      for (String in : n.getInputList()) {
        if (!in.isEmpty() && !defined.contains(in))
          problems.add(
              "node '"
                  + n.getName()
                  + "' reads undefined '"
                  + in
                  + "' (or nodes are not in topological order)");
      }
      for (String out : n.getOutputList()) {
        if (!out.isEmpty() && !defined.add(out))
          problems.add("tensor '" + out + "' is assigned twice");
      }
    }
    for (ValueInfoProto v : g.getOutputList()) {
      if (!defined.contains(v.getName()))
        problems.add("graph output '" + v.getName() + "' is never produced");
    }
    return problems;
  }

  private static void checkFunction(FunctionProto f, List<String> problems) {
    Set<String> defined = new HashSet<>(f.getInputList());
    for (NodeProto n : f.getNodeList()) {
      for (String in : n.getInputList()) {
        if (!in.isEmpty() && !defined.contains(in))
          problems.add("function " + f.getName() + ": node reads undefined '" + in + "'");
      }
      for (String out : n.getOutputList()) {
        if (!defined.add(out))
          problems.add("function " + f.getName() + ": '" + out + "' is assigned twice");
      }
    }
    for (String out : f.getOutputList()) {
      if (!defined.contains(out))
        problems.add("function " + f.getName() + ": output '" + out + "' is never produced");
    }
  }

  private static void checkPayload(TensorProto t, List<String> problems) {
    if (!t.hasRawData()) return;
    long n = 1;
    for (long d : t.getDimsList()) n *= d;
    DataType type = DataType.forNumber(t.getDataType());
    long expected =
        switch (type == null ? DataType.UNDEFINED : type) {
          case FLOAT, INT32, UINT32 -> 4 * n;
          case DOUBLE, INT64, UINT64 -> 8 * n;
          case INT8, UINT8, BOOL -> n;
          case INT16, UINT16, FLOAT16, BFLOAT16 -> 2 * n;
          case INT4, UINT4 -> (n + 1) / 2;
          default -> -1;
        };
    if (expected >= 0 && t.getRawData().size() != expected) {
      problems.add(
          "initializer '"
              + t.getName()
              + "' holds "
              + t.getRawData().size()
              + " bytes, its shape needs "
              + expected);
    }
  }
}
