package io.onnxq.plan;

import io.onnxq.model.Graph;
import io.onnxq.model.Tensors;
import io.onnxq.pattern.LinearLayer;
import io.onnxq.quant.IntRange;
import io.onnxq.quant.QuantParams;
import io.onnxq.quant.QuantizedWeight;
import io.onnxq.quant.WeightQuantizer;
import java.util.Locale;

/** Weight entries, quantized from the values the plan leaves them with (replacements included). */
final class WeightPlanning {
  private WeightPlanning() {}

  /**
   * MinMax per output channel: symmetric on signed grids, asymmetric on unsigned (low-bit) ones.
   */
  static WeightEntry minMax(Graph g, QuantPlan.Builder plan, LinearLayer l, IntRange r, int bits) {
    float[] w = plan.current(g, l.weight());
    int[] shape = shape(g, l.weight());
    QuantizedWeight q =
        r.signed()
            ? WeightQuantizer.quantizePerChannel(w, shape, l.outAxis(), r)
            : WeightQuantizer.quantizeAsymmetric(w, shape, l.outAxis(), r);
    return new WeightEntry(l.weight(), role(l), q, bits, "minmax (per channel)");
  }

  /** On a grid FPCS chose. */
  static WeightEntry searched(
      Graph g, QuantPlan.Builder plan, String initializer, String role, QuantParams p, int bits) {
    return searched(g, plan, initializer, role, p, bits, "fpcs (per channel)");
  }

  /** On a grid a search chose, named in {@code chosenBy}. */
  static WeightEntry searched(
      Graph g,
      QuantPlan.Builder plan,
      String initializer,
      String role,
      QuantParams p,
      int bits,
      String chosenBy) {
    QuantizedWeight q =
        WeightQuantizer.quantizeWith(plan.current(g, initializer), shape(g, initializer), p);
    return new WeightEntry(initializer, role, q, bits, chosenBy);
  }

  static String role(LinearLayer l) {
    return l.role().name().toLowerCase(Locale.ROOT);
  }

  private static int[] shape(Graph g, String initializer) {
    return Tensors.shape(g.initializer(initializer).orElseThrow());
  }
}
