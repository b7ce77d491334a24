package io.onnxq.verify;

import io.onnxq.model.Graph;
import io.onnxq.model.Node;
import io.onnxq.ops.CustomOps;
import io.onnxq.proto.Onnx.TensorProto.DataType;
import io.onnxq.proto.Onnx.ValueInfoProto;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A static check that a quantized model computes in integers from its input QuantizeLinear to its
 * output DequantizeLinear: every op on that path is a {@code com.onnxq} op, a quantize or
 * dequantize, a shape op, an integer op, or a float op inside a group integer backends fuse (DQ ->
 * MatMul/Gemm/Conv [-> constant Add] -> Q, residual DQ + DQ -> Q, a constant rescale before a Q).
 * Any other float op breaks it and is listed.
 */
public final class IntegerOnlyCheck {
  private static final Set<String> LINEARS = Set.of("MatMul", "Gemm", "Conv");

  /** Ops that move, select or reshape their data, or read only its shape: fine on any type. */
  private static final Set<String> SHAPE_OPS =
      Set.of(
          "Reshape",
          "Transpose",
          "Squeeze",
          "Unsqueeze",
          "Flatten",
          "Split",
          "Slice",
          "Gather",
          "Concat",
          "Identity",
          "Expand",
          "Tile",
          "Pad",
          "Shape",
          "Size",
          "ConstantOfShape");

  /** Shape ops whose output does not depend on their input's values. */
  private static final Set<String> SHAPE_READERS = Set.of("Shape", "Size", "ConstantOfShape");

  /** Clamps to constant bounds before a Q (n-bit grids in 8-bit carriers): the Q's saturation. */
  private static final Set<String> CLAMPS = Set.of("Max", "Min", "Clip");

  /** Mean pooling, which integer backends run on codes (ORT: QLinearGlobalAveragePool). */
  private static final Set<String> POOLS = Set.of("ReduceMean", "GlobalAveragePool", "AveragePool");

  private enum Kind {
    CUSTOM,
    QUANTIZE_DEQUANTIZE,
    SHAPE,
    INTEGER,
    FUSED,
    FLOAT
  }

  private final Graph g;
  private final TensorTypes types;
  private final Set<Node> path;
  private final Set<String> varying;
  private final Set<Node> unfusedDequantize = new HashSet<>();
  private final Set<Node> fused = new HashSet<>();
  private final Map<String, Boolean> dequantized = new HashMap<>();
  private final Map<String, Boolean> requantized = new HashMap<>();

  private IntegerOnlyCheck(Graph g) {
    this.g = g;
    this.types = new TensorTypes(g);
    List<String> inputs = g.dataInputs().stream().map(ValueInfoProto::getName).toList();
    // From the graph inputs rather than from their Q outputs: a float op reading the raw input
    // on the way to an output is on the path too, and breaks it.
    this.path = backward(forward(inputs));
    this.varying = values(inputs);
    for (Node n : path) if (n.is("Mul")) markUnfusedDequantize(n);
    for (Node n : path) {
      Set<Node> joined = new HashSet<>();
      if (isStd(n, LINEARS) && linearGroup(n, joined)) {
        fused.add(n);
        fused.addAll(joined);
      }
    }
  }

  public static IntegerOnly check(Graph g) {
    boolean quantized =
        g.dataInputs().stream()
            .anyMatch(
                v ->
                    g.consumers(v.getName()).stream()
                        .anyMatch(n -> n.is("QuantizeLinear") && n.input(0).equals(v.getName())));
    return quantized ? new IntegerOnlyCheck(g).result() : IntegerOnly.notQuantized();
  }

  private IntegerOnly result() {
    int[] counts = new int[Kind.values().length];
    List<String> breaking = new ArrayList<>();
    for (Node n : g.nodes()) {
      if (!path.contains(n)) continue;
      Kind k = classify(n);
      counts[k.ordinal()]++;
      if (k == Kind.FLOAT) breaking.add(label(n) + " (" + n.opType() + ")");
    }
    List<String> floatOutputs = new ArrayList<>();
    for (ValueInfoProto o : g.outputs()) {
      String t = o.getName();
      if (types.isNonFloat(t) || !varying.contains(t) || dequantized(t)) continue;
      Node p = g.producer(t);
      floatOutputs.add(
          "model output "
              + t
              + " is float: "
              + (p == null ? "not produced by a DequantizeLinear" : "produced by " + p.opType()));
    }
    IntegerOnly.Counts c =
        new IntegerOnly.Counts(
            path.size(),
            counts[Kind.CUSTOM.ordinal()],
            counts[Kind.QUANTIZE_DEQUANTIZE.ordinal()],
            counts[Kind.SHAPE.ordinal()],
            counts[Kind.INTEGER.ordinal()],
            counts[Kind.FUSED.ordinal()]);
    return new IntegerOnly(
        true, breaking.isEmpty() && floatOutputs.isEmpty(), c, breaking, floatOutputs);
  }

  private static String label(Node n) {
    return n.name().isEmpty() && !n.outputs().isEmpty() ? n.output(0) : n.name();
  }

  private Kind classify(Node n) {
    if (isCustom(n)) return Kind.CUSTOM;
    if (n.is("QuantizeLinear") || n.is("DequantizeLinear") || unfusedDequantize.contains(n))
      return Kind.QUANTIZE_DEQUANTIZE;
    // Ops computing only from shapes and constants are constants to a backend that folds them.
    if (isStd(n, SHAPE_OPS) || n.outputs().stream().noneMatch(varying::contains)) return Kind.SHAPE;
    if (n.inputs().stream().allMatch(t -> t.isEmpty() || types.isNonFloat(t))
        && n.outputs().stream().allMatch(types::isNonFloat)) return Kind.INTEGER;
    return fused.contains(n) || foldable(n) ? Kind.FUSED : Kind.FLOAT;
  }

  /**
   * A float op an integer backend folds into its neighbours' requantization: an {@link #affine} op
   * (residual Add, the attention's 1/sqrt(d)), mean pooling of a dequantized value (Swin's head),
   * or a clamp to constant bounds, each feeding only Qs.
   */
  private boolean foldable(Node n) {
    if (n.outputs().size() != 1 || !requantized(n.output(0))) return false;
    List<String> in = n.inputs();
    if (affine(n)) return true;
    if (isStd(n, CLAMPS)) return in.stream().filter(t -> !constant(t)).count() <= 1;
    if (isStd(n, POOLS)) return dequantized(in.get(0)) && othersConstant(n, in.get(0));
    return false;
  }

  /**
   * MatMul/Gemm/Conv on dequantized (or constant) inputs whose output is requantized, possibly
   * after shape ops, a Concat with a constant (the class token) and Adds of constants (bias,
   * position embedding; Swin adds the relative-position bias and the shifted-window mask, two
   * constants a backend sums into one) or a rescale by a constant (attention logits divided by
   * sqrt(d) after the MatMul), which join the group.
   */
  private boolean linearGroup(Node n, Set<Node> joined) {
    if (!n.inputs().stream().allMatch(this::dequantizedOrConstant)) return false;
    if (n.outputs().size() != 1) return false;
    String t = n.output(0);
    Set<Node> seen = new HashSet<>();
    while (true) {
      List<Node> cs = floatConsumers(t);
      Node c = cs.size() == 1 && !g.isGraphOutput(t) ? cs.get(0) : null;
      boolean moves = c != null && isStd(c, SHAPE_OPS) && dataInputs(c).contains(t);
      boolean joins = c != null && (c.is("Add") || rescales(c, t));
      if (!(moves || joins) || !othersConstant(c, t) || c.outputs().size() != 1 || !seen.add(c)) {
        return requantized(t);
      }
      if (joins) joined.add(c);
      t = c.output(0);
    }
  }

  /**
   * QdqBuilder's unfused dequantize, Cast(int -> float) -> Sub(zero point) -> Mul(scale): the value
   * DequantizeLinear gives, spelled so that ORT does not fuse per-channel DQ -> Add -> Q.
   */
  private void markUnfusedDequantize(Node mul) {
    if (mul.inputCount() != 2) return;
    for (int i = 0; i < 2; i++) {
      Node sub = g.producer(mul.input(i));
      if (!constant(mul.input(1 - i)) || sub == null || !sub.is("Sub")) continue;
      Node cast = g.producer(sub.input(0));
      if (cast == null
          || !cast.is("Cast")
          || !constant(sub.input(1))
          || cast.intAttr("to", 0) != DataType.FLOAT_VALUE
          || !types.isNonFloat(cast.input(0))
          || floatConsumers(cast.output(0)).size() != 1
          || floatConsumers(sub.output(0)).size() != 1) continue;
      unfusedDequantize.addAll(List.of(cast, sub, mul));
      return;
    }
  }

  /**
   * A varying float value that is a dequantized integer: DequantizeLinear, the unfused spelling, a
   * custom op's float output (AdaLogDequantize), or data movement of such values.
   */
  private boolean dequantized(String t) {
    Boolean known = dequantized.get(t);
    if (known != null) return known;
    dequantized.put(t, false); // a cycle is not a dequantized value
    Node p = g.producer(t);
    boolean r =
        p != null
            && varying.contains(t)
            && (p.is("DequantizeLinear")
                || p.is("Mul") && unfusedDequantize.contains(p)
                || isCustom(p)
                || isStd(p, SHAPE_OPS)
                    && !isStd(p, SHAPE_READERS)
                    && dataInputs(p).stream().allMatch(this::dequantizedOrConstant)
                || affine(p));
    dequantized.put(t, r);
    return r;
  }

  /**
   * An Add of dequantized values or constants, or a dequantized value times or divided by a
   * constant: an affine map of integer codes, whose output is dequantized too (so the average of a
   * distilled model's two heads, (h1 + h2) / 2, is one group).
   */
  private boolean affine(Node n) {
    List<String> in = n.inputs();
    if (n.outputs().size() != 1 || in.size() != 2) return false;
    if (n.is("Add")) return in.stream().allMatch(this::dequantizedOrConstant);
    if (n.is("Mul"))
      return dequantized(in.get(0)) && constant(in.get(1))
          || constant(in.get(0)) && dequantized(in.get(1));
    if (n.is("Div")) return dequantized(in.get(0)) && constant(in.get(1));
    return false;
  }

  /**
   * Every consumer quantizes the value (QuantizeLinear, or a custom op's float input, which is a
   * quantizer's), directly or after shape ops and constant clamps; never a graph output.
   */
  private boolean requantized(String t) {
    Boolean known = requantized.get(t);
    if (known != null) return known;
    requantized.put(t, false);
    boolean r = !g.isGraphOutput(t);
    for (Node c : floatConsumers(t)) {
      if (!r) break;
      if (c.is("QuantizeLinear")) r = c.input(0).equals(t);
      else if (isCustom(c)) r = true;
      else if (isStd(c, SHAPE_OPS) && dataInputs(c).contains(t))
        r = c.outputs().stream().allMatch(this::requantized);
      else if ((isStd(c, CLAMPS) || rescales(c, t)) && c.outputs().size() == 1)
        r = othersConstant(c, t) && requantized(c.output(0));
      else r = false;
    }
    requantized.put(t, r);
    return r;
  }

  /** Mul by a constant, or Div of {@code t} by one: folded into the requantization's scale. */
  private boolean rescales(Node c, String t) {
    return (c.is("Mul") || c.is("Div") && c.input(0).equals(t)) && othersConstant(c, t);
  }

  /** Path consumers that read the value, not only its shape. */
  private List<Node> floatConsumers(String t) {
    return g.consumers(t).stream()
        .filter(c -> path.contains(c) && !isStd(c, SHAPE_READERS))
        .toList();
  }

  private boolean dequantizedOrConstant(String t) {
    return constant(t) || dequantized(t);
  }

  /** Independent of the input's values: initializers, Constants, weights, shape arithmetic. */
  private boolean constant(String t) {
    return t.isEmpty() || !varying.contains(t);
  }

  private boolean othersConstant(Node n, String t) {
    return n.inputs().stream().allMatch(i -> i.equals(t) || constant(i));
  }

  /** The inputs whose values a shape op passes on (not shapes, axes or indices). */
  private static List<String> dataInputs(Node n) {
    if (n.is("Concat")) return n.inputs();
    if (isStd(n, SHAPE_READERS)) return List.of();
    return List.of(n.input(0));
  }

  private static boolean isCustom(Node n) {
    return n.domain().equals(CustomOps.DOMAIN) && CustomOps.find(n.opType()).isPresent();
  }

  private static boolean isStd(Node n, Set<String> ops) {
    return ops.contains(n.opType()) && n.is(n.opType());
  }

  /** Nodes reachable from the tensors. */
  private Set<Node> forward(List<String> from) {
    Set<Node> reached = new HashSet<>();
    ArrayDeque<String> todo = new ArrayDeque<>(from);
    while (!todo.isEmpty()) {
      for (Node c : g.consumers(todo.poll())) if (reached.add(c)) todo.addAll(c.outputs());
    }
    return reached;
  }

  /** The nodes of {@code forward} that a graph output depends on. */
  private Set<Node> backward(Set<Node> forward) {
    Set<Node> reached = new HashSet<>();
    ArrayDeque<String> todo = new ArrayDeque<>();
    for (ValueInfoProto o : g.outputs()) todo.add(o.getName());
    while (!todo.isEmpty()) {
      Node p = g.producer(todo.poll());
      if (p != null && reached.add(p)) todo.addAll(p.inputs());
    }
    reached.retainAll(forward);
    return reached;
  }

  /**
   * Tensors whose values depend on the input's values. Shapes do not (the exporters' Shape ->
   * Gather -> Concat chains are fixed per input size), so Shape, Size and ConstantOfShape stop it.
   */
  private Set<String> values(List<String> from) {
    Set<String> out = new HashSet<>(from);
    ArrayDeque<String> todo = new ArrayDeque<>(from);
    while (!todo.isEmpty()) {
      for (Node c : g.consumers(todo.poll())) {
        if (isStd(c, SHAPE_READERS)) continue;
        for (String o : c.outputs()) if (out.add(o)) todo.add(o);
      }
    }
    return out;
  }
}
