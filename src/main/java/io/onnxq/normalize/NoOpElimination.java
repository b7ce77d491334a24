package io.onnxq.normalize;

import io.onnxq.model.Graph;
import io.onnxq.model.Node;
import java.util.Set;

/**
 * Removes nodes that pass their input through unchanged at inference: Identity, Dropout (whose mask
 * nobody reads and that is not in training mode) and a Cast to the type the tensor already has (for
 * example the float32 -> float32 Cast some exporters put after Softmax).
 */
final class NoOpElimination {
  private NoOpElimination() {}

  record Counts(int identities, int dropouts, int casts, int nanGuards) {}

  static Counts apply(Graph g, ElementTypes types) {
    int identities = 0;
    int dropouts = 0;
    int casts = 0;
    int nanGuards = 0;
    for (Node n : g.topologicalOrder()) {
      if (n.is("Identity")) {
        if (bypass(g, n)) identities++;
      } else if (n.is("Dropout") && inferenceDropout(g, n)) {
        if (bypass(g, n)) dropouts++;
      } else if (n.is("Cast")
          && types.of(n.input(0)) != 0
          && types.of(n.input(0)) == n.intAttr("to", -1)) {
        if (bypass(g, n)) casts++;
      } else if (n.is("Where") && softmaxNanGuard(g, n)) {
        g.rewire(n.output(0), n.input(2), Set.of(n));
        g.remove(n);
        nanGuards++;
      }
    }
    return new Counts(identities, dropouts, casts, nanGuards);
  }

  private static boolean inferenceDropout(Graph g, Node n) {
    if (n.outputs().size() > 1
        && !n.output(1).isEmpty()
        && (!g.consumers(n.output(1)).isEmpty() || g.isGraphOutput(n.output(1)))) {
      return false;
    }
    String training = n.input(2);
    return training.isEmpty() || g.scalar(training).map(v -> v == 0f).orElse(false);
  }

  /**
   * Where(IsNaN(p), 0, p) after a Softmax (the dynamo exporter's SDPA at opset 21): it only acts on
   * a row whose logits are all -inf, which an image transformer's constant masks never produce.
   */
  private static boolean softmaxNanGuard(Graph g, Node where) {
    String p = where.input(2);
    Node sm = g.producer(p);
    Node isNan = g.producer(where.input(0));
    return sm != null
        && sm.is("Softmax")
        && isNan != null
        && isNan.is("IsNaN")
        && isNan.input(0).equals(p)
        && g.scalar(where.input(1)).map(v -> v == 0f).orElse(false)
        && !g.isGraphOutput(where.output(0));
  }

  /** Points the consumers of the node's output at its input; a graph output keeps its producer. */
  private static boolean bypass(Graph g, Node n) {
    String in = n.input(0);
    String out = n.output(0);
    if (in.isEmpty() || g.isGraphOutput(out)) return false;
    g.rewire(out, in, Set.of(n));
    g.remove(n);
    return true;
  }
}
