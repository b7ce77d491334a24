package io.onnxq.model;

import io.onnxq.proto.Onnx.FunctionProto;
import io.onnxq.proto.Onnx.ModelProto;
import io.onnxq.proto.Onnx.OperatorSetIdProto;
import java.util.ArrayList;
import java.util.List;

/**
 * A loaded model: the graph IR plus the model-level fields (opsets, metadata, functions). Every
 * model field onnxq does not edit is taken from the original proto when the model is written.
 */
public final class OnnxModel {
  /** Lowest IR version written: model-local functions need IR >= 8. */
  public static final long MIN_IR_VERSION = 8;

  /** Oldest IR version read (ONNX 1.6); older models are refused, not silently rewritten. */
  public static final long MIN_INPUT_IR_VERSION = 7;

  /** Oldest default-domain opset read. */
  public static final long MIN_INPUT_OPSET = 13;

  private final ModelProto original;
  private final Graph graph;
  private final List<FunctionProto> addedFunctions = new ArrayList<>();
  private long irVersion;
  private long opsetOverride = -1;

  public OnnxModel(ModelProto proto) {
    this.original = proto;
    this.graph = new Graph(proto.getGraph());
    this.irVersion = proto.getIrVersion();
  }

  public Graph graph() {
    return graph;
  }

  public ModelProto original() {
    return original;
  }

  /** Opset version of the default (ai.onnx) domain. */
  public long opset() {
    return opsetOverride > 0 ? opsetOverride : opset("");
  }

  public long opset(String domain) {
    for (OperatorSetIdProto o : original.getOpsetImportList()) {
      String d = o.getDomain().equals("ai.onnx") ? "" : o.getDomain();
      if (d.equals(domain)) return o.getVersion();
    }
    return -1;
  }

  public void addFunction(FunctionProto f) {
    boolean known =
        original.getFunctionsList().stream().anyMatch(g -> same(f, g))
            || addedFunctions.stream().anyMatch(g -> same(f, g));
    if (!known) addedFunctions.add(f);
  }

  /** A model-local function by domain and name (original or added by onnxq). */
  public java.util.Optional<FunctionProto> function(String domain, String name) {
    return java.util.stream.Stream.concat(
            original.getFunctionsList().stream(), addedFunctions.stream())
        .filter(f -> f.getDomain().equals(domain) && f.getName().equals(name))
        .findFirst();
  }

  /** Drops the functions onnxq added in a domain (after inlining them). */
  public void removeFunctions(String domain) {
    addedFunctions.removeIf(f -> f.getDomain().equals(domain));
  }

  private static boolean same(FunctionProto a, FunctionProto b) {
    return a.getDomain().equals(b.getDomain()) && a.getName().equals(b.getName());
  }

  public void requireIrVersion(long v) {
    irVersion = Math.max(irVersion, v);
  }

  /** Sets the default-domain opset written out; only {@link OpsetUpgrader} should raise it. */
  void setOpset(long v) {
    opsetOverride = v;
  }

  /** The model as a proto; {@code extraDomains} are custom domains to import at version 1. */
  public ModelProto toProto(List<String> extraDomains) {
    ModelProto.Builder b = original.toBuilder().setGraph(graph.toProto());
    b.setIrVersion(Math.max(irVersion, MIN_IR_VERSION));
    b.clearOpsetImport();
    for (OperatorSetIdProto o : original.getOpsetImportList()) {
      boolean isDefault = o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx");
      b.addOpsetImport(
          isDefault && opsetOverride > 0 ? o.toBuilder().setVersion(opsetOverride).build() : o);
    }
    for (String d : extraDomains) {
      if (opset(d) < 0)
        b.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(d).setVersion(1));
    }
    b.addAllFunctions(addedFunctions);
    return b.build();
  }

  public ModelProto toProto() {
    return toProto(List.of());
  }
}
