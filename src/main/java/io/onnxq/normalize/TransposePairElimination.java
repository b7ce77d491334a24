package io.onnxq.normalize;

import io.onnxq.model.Graph;
import io.onnxq.model.Node;
import java.util.List;
import java.util.Set;

/** Removes two consecutive Transposes whose permutations cancel (the first one used only there). */
final class TransposePairElimination {
  private TransposePairElimination() {}

  static int apply(Graph g) {
    int pairs = 0;
    for (Node second : g.topologicalOrder()) {
      if (!second.is("Transpose")) continue;
      Node first = g.producer(second.input(0));
      if (first == null
          || !first.is("Transpose")
          || g.consumers(first.output(0)).size() != 1
          || g.isGraphOutput(first.output(0))
          || g.isGraphOutput(second.output(0))) {
        continue;
      }
      List<Long> p1 = first.intsAttr("perm");
      List<Long> p2 = second.intsAttr("perm");
      if (p1 == null || p2 == null || p1.size() != p2.size() || !cancels(p1, p2)) continue;
      g.rewire(second.output(0), first.input(0), Set.of());
      g.remove(second);
      g.remove(first);
      pairs++;
    }
    return pairs;
  }

  /** out[i] = in[p1[p2[i]]]: the pair is the identity when p1[p2[i]] == i for every axis. */
  private static boolean cancels(List<Long> p1, List<Long> p2) {
    for (int i = 0; i < p2.size(); i++) {
      long j = p2.get(i);
      if (j < 0 || j >= p1.size() || p1.get((int) j) != i) return false;
    }
    return true;
  }
}
