package io.onnxq.pattern;

import io.onnxq.model.Graph;
import io.onnxq.model.Node;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Walks through the ops that only move data between the parts of a block: reshapes and transposes,
 * window partition and reverse, the cyclic shift (Slice + Concat, or Roll's export), padding, and
 * head splits. What a block computes sits between such regions, so the finder looks across them.
 */
final class Movement {
  static final Set<String> OPS =
      Set.of(
          "Reshape",
          "Transpose",
          "Split",
          "Squeeze",
          "Unsqueeze",
          "Gather",
          "Slice",
          "Flatten",
          "Concat",
          "Pad",
          "Expand",
          "Tile");
  private static final int MAX_NODES = 64;

  private final Graph g;

  Movement(Graph g) {
    this.g = g;
  }

  /** A data-movement node whose data input is {@code tensor} (not a shape or index operand). */
  boolean moves(Node n, String tensor) {
    if (!OPS.contains(n.opType()) || !n.domain().isEmpty() && !n.domain().equals("ai.onnx"))
      return false;
    if (n.is("Concat")) return true;
    return n.input(0).equals(tensor);
  }

  /**
   * The tensor a data-movement node moves: its first input (Concat: the first non-constant one).
   */
  String source(Node n) {
    if (n.is("Concat")) {
      for (String in : n.inputs()) if (g.constant(in).isEmpty()) return in;
    }
    return n.input(0);
  }

  /** Walks back from {@code tensor} through data movement to where the data was computed. */
  String back(String tensor) {
    String t = tensor;
    for (int hops = 0; hops < MAX_NODES; hops++) {
      Node p = g.producer(t);
      if (p == null || !moves(p, source(p))) return t;
      t = source(p);
    }
    return t;
  }

  /** Every tensor reachable from {@code tensor} through data movement, itself included. */
  List<String> forward(String tensor) {
    List<String> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    ArrayDeque<String> todo = new ArrayDeque<>(List.of(tensor));
    while (!todo.isEmpty() && out.size() < MAX_NODES) {
      String t = todo.poll();
      if (!seen.add(t)) continue;
      out.add(t);
      for (Node c : g.consumers(t)) {
        if (moves(c, t)) todo.addAll(c.outputs());
      }
    }
    return out;
  }

  /** The non-movement consumers of everything {@link #forward} reaches. */
  List<Node> consumersAfter(String tensor) {
    List<Node> out = new ArrayList<>();
    for (String t : forward(tensor)) {
      for (Node c : g.consumers(t)) if (!moves(c, t) && !out.contains(c)) out.add(c);
    }
    return out;
  }
}
