package io.onnxq.convert;

import io.onnxq.plan.AdaLogPlanner;
import io.onnxq.plan.ObserverPlanner;
import io.onnxq.plan.Planner;
import io.onnxq.plan.SimilarityPlanner;
import io.onnxq.recipe.AdaLog;
import io.onnxq.recipe.FqVit;
import io.onnxq.recipe.LowBit;
import io.onnxq.recipe.PtqVit;
import io.onnxq.recipe.Recipe;
import io.onnxq.recipe.W8A8;

/** The planner of each recipe. */
final class Planners {
  private Planners() {}

  static Planner forRecipe(Recipe r) {
    if (r instanceof W8A8 w) return ObserverPlanner.of(w);
    if (r instanceof FqVit f) return ObserverPlanner.of(f);
    if (r instanceof LowBit l) return ObserverPlanner.of(l);
    if (r instanceof AdaLog a) return new AdaLogPlanner(a);
    if (r instanceof PtqVit p) return new SimilarityPlanner(p);
    throw new IllegalArgumentException("no planner for " + r);
  }
}
