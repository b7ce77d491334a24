package io.onnxq.model;

import io.onnxq.OnnxqException;
import io.onnxq.proto.Onnx.GraphProto;
import io.onnxq.proto.Onnx.NodeProto;
import io.onnxq.proto.Onnx.TensorProto;
import io.onnxq.proto.Onnx.ValueInfoProto;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The main graph as a small mutable IR: nodes, initializers, inputs and outputs. Producer and
 * consumer lookups are rebuilt lazily after edits, so rewrites can freely add and remove nodes.
 */
public final class Graph {
  private final GraphProto original;
  private final List<Node> nodes = new ArrayList<>();
  private final Map<String, TensorProto> initializers = new LinkedHashMap<>();
  private final List<ValueInfoProto> inputs = new ArrayList<>();
  private final List<ValueInfoProto> outputs = new ArrayList<>();
  private final Set<String> usedNames = new HashSet<>();
  private Map<String, Node> producers;
  private Map<String, List<Node>> consumers;

  Graph(GraphProto proto) {
    this.original = proto;
    for (NodeProto n : proto.getNodeList()) nodes.add(new Node(n));
    for (TensorProto t : proto.getInitializerList()) initializers.put(t.getName(), t);
    inputs.addAll(proto.getInputList());
    outputs.addAll(proto.getOutputList());
    for (Node n : nodes) {
      usedNames.add(n.name());
      usedNames.addAll(n.outputs);
    }
    usedNames.addAll(initializers.keySet());
    for (ValueInfoProto v : inputs) usedNames.add(v.getName());
  }

  public List<Node> nodes() {
    return List.copyOf(nodes);
  }

  /**
   * Graph inputs that are real data inputs (not initializers listed as inputs, as old exporters
   * did).
   */
  public List<ValueInfoProto> dataInputs() {
    return inputs.stream().filter(v -> !initializers.containsKey(v.getName())).toList();
  }

  public List<ValueInfoProto> outputs() {
    return List.copyOf(outputs);
  }

  public Optional<TensorProto> initializer(String name) {
    return Optional.ofNullable(initializers.get(name));
  }

  public Map<String, TensorProto> initializers() {
    return java.util.Collections.unmodifiableMap(initializers);
  }

  public boolean isInitializer(String name) {
    return initializers.containsKey(name);
  }

  /** A constant tensor: an initializer or the output of a Constant node with a tensor value. */
  public Optional<TensorProto> constant(String name) {
    TensorProto t = initializers.get(name);
    if (t != null) return Optional.of(t);
    Node p = producer(name);
    if (p != null && p.is("Constant") && p.attribute("value") != null)
      return Optional.of(p.attribute("value").getT());
    return Optional.empty();
  }

  /** A scalar constant's value, if the tensor is a constant with exactly one element. */
  public Optional<Float> scalar(String name) {
    return constant(name)
        .filter(t -> Tensors.numel(Tensors.shape(t)) == 1)
        .map(t -> Tensors.toFloats(t)[0]);
  }

  public void putInitializer(TensorProto t) {
    initializers.put(t.getName(), t);
    usedNames.add(t.getName());
  }

  public void removeInitializer(String name) {
    initializers.remove(name);
  }

  public Node producer(String tensor) {
    index();
    return producers.get(tensor);
  }

  public List<Node> consumers(String tensor) {
    index();
    return consumers.getOrDefault(tensor, List.of());
  }

  public boolean isGraphOutput(String tensor) {
    return outputs.stream().anyMatch(v -> v.getName().equals(tensor));
  }

  private void index() {
    if (producers != null) return;
    producers = new HashMap<>();
    consumers = new HashMap<>();
    for (Node n : nodes) {
      for (String o : n.outputs) producers.put(o, n);
      for (String i : n.inputs)
        if (!i.isEmpty()) consumers.computeIfAbsent(i, k -> new ArrayList<>()).add(n);
    }
  }

  private void changed() {
    producers = null;
    consumers = null;
  }

  /** A name not used by any tensor or node yet. */
  public String uniqueName(String base) {
    String name = base;
    int i = 1;
    while (usedNames.contains(name)) name = base + "_" + i++;
    usedNames.add(name);
    return name;
  }

  public Node add(String opType, String domain, List<String> in, List<String> out) {
    Node n =
        Node.of(opType, uniqueName(opType + "_" + (out.isEmpty() ? "" : out.get(0))), in, out)
            .setDomain(domain);
    nodes.add(n);
    usedNames.addAll(out);
    changed();
    return n;
  }

  public Node add(String opType, List<String> in, List<String> out) {
    return add(opType, "", in, out);
  }

  public void remove(Node n) {
    nodes.remove(n);
    changed();
  }

  /**
   * Points every consumer (and graph output) of {@code from} at {@code to}, except {@code skip}.
   */
  public void rewire(String from, String to, Set<Node> skip) {
    for (Node n : nodes) {
      if (skip.contains(n)) continue;
      for (int i = 0; i < n.inputs.size(); i++)
        if (n.inputs.get(i).equals(from)) n.inputs.set(i, to);
    }
    changed();
  }

  public void replaceInputs(Node n, List<String> newInputs) {
    n.inputs.clear();
    n.inputs.addAll(newInputs);
    changed();
  }

  /** Inserts a node built elsewhere (e.g. a custom-op call). */
  public Node add(io.onnxq.proto.Onnx.NodeProto proto) {
    Node n = new Node(proto);
    nodes.add(n);
    usedNames.add(n.name());
    usedNames.addAll(n.outputs);
    changed();
    return n;
  }

  public void setInput(Node n, int index, String tensor) {
    n.inputs.set(index, tensor);
    changed();
  }

  /**
   * Detaches a tensor from its producer: the producer now writes a fresh (unused) name, so another
   * node can produce {@code tensor}; the old producer chain becomes dead code.
   */
  public void detachProducer(String tensor) {
    Node p = producer(tensor);
    if (p == null) return;
    String dead = uniqueName(tensor + "_replaced");
    p.outputs.replaceAll(s -> s.equals(tensor) ? dead : s);
    changed();
  }

  /** Renames a tensor at its producer and every consumer (not at graph outputs). */
  public void renameTensor(String from, String to) {
    for (Node n : nodes) {
      n.inputs.replaceAll(s -> s.equals(from) ? to : s);
      n.outputs.replaceAll(s -> s.equals(from) ? to : s);
    }
    usedNames.add(to);
    changed();
  }

  /** Nodes in dependency order; fails on a cycle (not a valid ONNX graph). */
  public List<Node> topologicalOrder() {
    Set<String> available = new HashSet<>(initializers.keySet());
    for (ValueInfoProto v : inputs) available.add(v.getName());
    available.add("");
    Map<Node, Integer> missing = new HashMap<>();
    Map<String, List<Node>> waiting = new HashMap<>();
    ArrayDeque<Node> ready = new ArrayDeque<>();
    for (Node n : nodes) {
      Set<String> need = new HashSet<>(n.inputs);
      need.removeAll(available);
      missing.put(n, need.size());
      for (String s : need) waiting.computeIfAbsent(s, k -> new ArrayList<>()).add(n);
      if (need.isEmpty()) ready.add(n);
    }
    List<Node> order = new ArrayList<>();
    while (!ready.isEmpty()) {
      Node n = ready.poll();
      order.add(n);
      for (String o : n.outputs) {
        for (Node w : waiting.getOrDefault(o, List.of())) {
          if (missing.merge(w, -1, Integer::sum) == 0) ready.add(w);
        }
        waiting.remove(o);
      }
    }
    if (order.size() != nodes.size()) {
      Set<String> produced = new HashSet<>(available);
      for (Node n : nodes) produced.addAll(n.outputs);
      for (Node n : nodes) {
        for (String in : n.inputs) {
          if (!produced.contains(in)) {
            throw new OnnxqException(
                "node '"
                    + n.name()
                    + "' ("
                    + n.opType()
                    + ") reads '"
                    + in
                    + "', which is not a graph input, initializer or node output");
          }
        }
      }
      throw new OnnxqException(
          "graph has a cycle (" + (nodes.size() - order.size()) + " nodes unreachable)");
    }
    return order;
  }

  /** Drops nodes whose outputs nobody uses, then unused initializers. */
  public void removeDeadCode() {
    boolean removed = true;
    while (removed) {
      removed = false;
      for (Node n : List.copyOf(nodes)) {
        boolean used =
            n.outputs.stream().anyMatch(o -> !consumers(o).isEmpty() || isGraphOutput(o));
        if (!used) {
          remove(n);
          removed = true;
        }
      }
    }
    Set<String> referenced = new HashSet<>();
    for (Node n : nodes) referenced.addAll(n.inputs);
    for (ValueInfoProto v : outputs) referenced.add(v.getName());
    initializers.keySet().removeIf(k -> !referenced.contains(k));
    inputs.removeIf(
        v -> !referenced.contains(v.getName()) && !dataInputNames().contains(v.getName()));
  }

  private Set<String> dataInputNames() {
    Set<String> s = new HashSet<>();
    for (ValueInfoProto v : dataInputs()) s.add(v.getName());
    return s;
  }

  GraphProto toProto() {
    List<Node> ordered = topologicalOrder();
    GraphProto.Builder b =
        original.toBuilder().clearNode().clearInitializer().clearInput().clearOutput();
    for (Node n : ordered) b.addNode(n.toProto());
    b.addAllInitializer(initializers.values());
    b.addAllInput(inputs);
    b.addAllOutput(outputs);
    return b.build();
  }
}
