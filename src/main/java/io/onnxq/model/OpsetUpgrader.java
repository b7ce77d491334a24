package io.onnxq.model;

import io.onnxq.OnnxqException;
import io.onnxq.proto.Onnx.AttributeProto;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Raises a graph's default-domain opset (13..20) to a target of at most 21. ORT inlines model-local
 * functions at the model's opset, so a model that calls onnxq's opset-21 function bodies must
 * itself be opset 21. Between 13 and 21 the only changes that break inference graphs are opset
 * 18's: the Reduce* ops take {@code axes} as an input instead of an attribute, and Split without a
 * split input needs {@code num_outputs}. Everything else in that range is backward compatible.
 */
public final class OpsetUpgrader {
  private static final Set<String> REDUCE_18 =
      Set.of(
          "ReduceMean",
          "ReduceMax",
          "ReduceMin",
          "ReduceProd",
          "ReduceL1",
          "ReduceL2",
          "ReduceLogSum",
          "ReduceLogSumExp",
          "ReduceSumSquare");

  private OpsetUpgrader() {}

  /** Rewrites the graph in place so it is valid at {@code target}; returns the nodes changed. */
  public static int upgrade(OnnxModel model, int target) {
    long from = model.opset();
    if (from >= target) return 0;
    if (from < 13) {
      throw new OnnxqException(
          "model opset " + from + " is older than 13; re-export it at opset 13 or newer");
    }
    if (target > 21) throw new IllegalArgumentException("upgrades are defined up to opset 21");
    Graph g = model.graph();
    int changed = 0;
    for (Node n : g.nodes()) {
      if (!n.domain().isEmpty() && !n.domain().equals("ai.onnx")) continue;
      if (hasSubgraph(n)) {
        throw new OnnxqException(
            "node '"
                + n.name()
                + "' ("
                + n.opType()
                + ") has a subgraph; "
                + "onnxq cannot raise such a model's opset to "
                + target);
      }
      if (from < 18
          && target >= 18
          && REDUCE_18.contains(n.opType())
          && n.intsAttr("axes") != null) {
        List<Long> axes = n.intsAttr("axes");
        String name = g.uniqueName(n.name() + "_axes");
        long[] a = axes.stream().mapToLong(Long::longValue).toArray();
        g.putInitializer(Tensors.int64s(name, a, a.length));
        n.removeAttr("axes");
        List<String> in = new ArrayList<>(n.inputs());
        in.add(name);
        g.replaceInputs(n, in);
        changed++;
      } else if (from < 18
          && target >= 18
          && n.is("Split")
          && (n.inputCount() < 2 || n.input(1).isEmpty())
          && n.attribute("split") == null) {
        n.setIntAttr("num_outputs", n.outputs().size());
        changed++;
      } else if (n.is("Split") && n.attribute("split") != null) {
        throw new OnnxqException("Split '" + n.name() + "' uses the pre-13 split attribute");
      }
    }
    model.setOpset(target);
    return changed;
  }

  private static boolean hasSubgraph(Node n) {
    for (String a : List.of("then_branch", "else_branch", "body")) {
      AttributeProto p = n.attribute(a);
      if (p != null && (p.hasG() || p.getGraphsCount() > 0)) return true;
    }
    return false;
  }
}
