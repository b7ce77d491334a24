package io.onnxq.normalize;

import io.onnxq.model.Graph;
import io.onnxq.model.Node;
import io.onnxq.model.OnnxModel;
import io.onnxq.model.Tensors;
import io.onnxq.ort.TensorEvaluator;
import io.onnxq.proto.Onnx.GraphProto;
import io.onnxq.proto.Onnx.ModelProto;
import io.onnxq.proto.Onnx.NodeProto;
import io.onnxq.proto.Onnx.TensorProto;
import io.onnxq.proto.Onnx.ValueInfoProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Folds what exporters compute at run time but is fixed for the model: subgraphs of constants only
 * (relative-position-bias gathers, attention-scale arithmetic) and shape arithmetic on activations
 * (Shape -> Gather -> Unsqueeze -> Concat chains feeding Reshape, sqrt(head dim) scales). ONNX
 * Runtime evaluates the subgraphs, so a folded tensor holds exactly what ORT would compute.
 *
 * <p>A shape-derived value is folded only where it is the same at batch 1 and batch 2 (a per-batch
 * value such as the leading Reshape dimension stays a subgraph). A model that only runs at batch 1
 * has every shape-derived value folded at that batch.
 */
final class ConstantFolding {
  /** Folded tensors larger than this stay subgraphs (memory and file size). */
  static final long MAX_ELEMENTS = 1 << 22;

  private static final Set<String> NOT_FOLDABLE =
      Set.of(
          "If",
          "Loop",
          "Scan",
          "RandomNormal",
          "RandomUniform",
          "RandomNormalLike",
          "RandomUniformLike",
          "Multinomial",
          "Bernoulli",
          "Dropout",
          "SequenceConstruct",
          "SplitToSequence",
          "SequenceAt",
          "SequenceEmpty",
          "SequenceInsert",
          "ConcatFromSequence");

  private enum Kind {
    CONSTANT,
    SHAPE,
    DYNAMIC
  }

  record Counts(int constants, int shapes) {}

  private ConstantFolding() {}

  static Counts apply(OnnxModel model) {
    Graph g = model.graph();
    Map<String, Kind> kinds = classify(g);
    List<String> constFrontier = new ArrayList<>();
    List<String> shapeFrontier = new ArrayList<>();
    for (Node n : g.nodes()) {
      if (n.is("Constant")) continue;
      for (String o : n.outputs()) {
        Kind k = kinds.get(o);
        if (k == Kind.DYNAMIC || o.isEmpty() || g.isGraphOutput(o) || !feedsDynamic(g, o, kinds))
          continue;
        (k == Kind.CONSTANT ? constFrontier : shapeFrontier).add(o);
      }
    }
    Map<String, TensorProto> folded = new HashMap<>();
    if (!constFrontier.isEmpty())
      folded.putAll(
          TensorEvaluator.evaluate(constantsOnly(model, kinds), constFrontier, null, null));
    Set<String> shapeFolded = new HashSet<>();
    long[] inputShape = staticInputShape(g);
    if (!shapeFrontier.isEmpty() && inputShape != null) {
      ModelProto full = model.toProto();
      String input = g.dataInputs().get(0).getName();
      Map<String, TensorProto> at1 =
          TensorEvaluator.evaluate(full, shapeFrontier, input, withBatch(inputShape, 1));
      Map<String, TensorProto> at2 =
          inputShape[0] > 0 ? null : evaluateOrNull(full, shapeFrontier, input, inputShape);
      for (String t : shapeFrontier) {
        TensorProto v = at1.get(t);
        if (at2 == null || v.equals(at2.get(t))) {
          folded.put(t, v);
          shapeFolded.add(t);
        }
      }
    }
    int constants = 0;
    int shapes = 0;
    for (Map.Entry<String, TensorProto> e : folded.entrySet()) {
      if (Tensors.numel(Tensors.shape(e.getValue())) > MAX_ELEMENTS) continue;
      g.detachProducer(e.getKey());
      g.putInitializer(e.getValue());
      if (shapeFolded.contains(e.getKey())) shapes++;
      else constants++;
    }
    if (constants + shapes > 0) g.removeDeadCode();
    return new Counts(constants, shapes);
  }

  private static Map<String, TensorProto> evaluateOrNull(
      ModelProto m, List<String> t, String input, long[] shape) {
    try {
      return TensorEvaluator.evaluate(m, t, input, withBatch(shape, 2));
    } catch (RuntimeException e) {
      return null; // only runs at batch 1: fold at that batch
    }
  }

  private static boolean feedsDynamic(Graph g, String tensor, Map<String, Kind> kinds) {
    for (Node c : g.consumers(tensor)) {
      if (c.outputs().stream().anyMatch(o -> kinds.get(o) == Kind.DYNAMIC)) return true;
    }
    return false;
  }

  private static Map<String, Kind> classify(Graph g) {
    Map<String, Kind> kinds = new HashMap<>();
    for (String init : g.initializers().keySet()) kinds.put(init, Kind.CONSTANT);
    for (ValueInfoProto v : g.dataInputs()) kinds.put(v.getName(), Kind.DYNAMIC);
    kinds.put("", Kind.CONSTANT);
    for (Node n : g.topologicalOrder()) {
      Kind k;
      boolean foldable =
          (n.domain().isEmpty() || n.domain().equals("ai.onnx"))
              && !NOT_FOLDABLE.contains(n.opType());
      if (n.is("Constant")) k = Kind.CONSTANT;
      else if (!foldable) k = Kind.DYNAMIC;
      else if (n.is("Shape") || n.is("Size"))
        k = kinds.get(n.input(0)) == Kind.CONSTANT ? Kind.CONSTANT : Kind.SHAPE;
      else {
        k = Kind.CONSTANT;
        for (String in : n.inputs()) {
          Kind ik = kinds.getOrDefault(in, Kind.DYNAMIC);
          if (ik == Kind.DYNAMIC) k = Kind.DYNAMIC;
          else if (ik == Kind.SHAPE && k == Kind.CONSTANT) k = Kind.SHAPE;
        }
      }
      for (String o : n.outputs()) kinds.put(o, k);
    }
    return kinds;
  }

  /** The model's constant nodes alone, as a model without inputs. */
  private static ModelProto constantsOnly(OnnxModel model, Map<String, Kind> kinds) {
    ModelProto full = model.toProto();
    GraphProto.Builder gb =
        full.getGraph().toBuilder().clearNode().clearInput().clearOutput().clearValueInfo();
    Set<String> needed = new HashSet<>();
    for (NodeProto n : full.getGraph().getNodeList()) {
      if (n.getOutputList().stream().allMatch(o -> kinds.get(o) == Kind.CONSTANT)) {
        gb.addNode(n);
        needed.addAll(n.getInputList());
      }
    }
    gb.clearInitializer();
    for (TensorProto t : full.getGraph().getInitializerList())
      if (needed.contains(t.getName())) gb.addInitializer(t);
    return full.toBuilder().setGraph(gb).build();
  }

  /** The data input's shape with batch -1 when dynamic, or null when another axis is symbolic. */
  private static long[] staticInputShape(Graph g) {
    if (g.dataInputs().size() != 1) return null;
    ValueInfoProto in = g.dataInputs().get(0);
    if (!in.getType().hasTensorType() || !in.getType().getTensorType().hasShape()) return null;
    var dims = in.getType().getTensorType().getShape().getDimList();
    long[] shape = new long[dims.size()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = dims.get(i).hasDimValue() ? dims.get(i).getDimValue() : -1;
      if (shape[i] <= 0 && i > 0) return null;
    }
    return shape.length == 0 ? null : shape;
  }

  private static long[] withBatch(long[] shape, long batch) {
    long[] s = shape.clone();
    if (s[0] <= 0) s[0] = batch;
    return s;
  }
}
