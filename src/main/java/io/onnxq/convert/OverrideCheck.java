package io.onnxq.convert;

import io.onnxq.OnnxqException;
import io.onnxq.calib.Progress;
import io.onnxq.pattern.LinearLayer;
import io.onnxq.pattern.VitStructure;
import io.onnxq.recipe.LayerOverrides;
import java.util.List;

/** Refuses an override that names no linear layer (a typo would otherwise do nothing silently). */
final class OverrideCheck {
  private OverrideCheck() {}

  static void check(VitStructure s, LayerOverrides overrides, Progress progress) {
    if (overrides.isEmpty()) return;
    List<String> names = s.linears().stream().map(LinearLayer::moduleName).toList();
    int floats = 0;
    int other = 0;
    for (LayerOverrides.Rule r : overrides.rules()) {
      if (names.stream().noneMatch(r::matches)) {
        throw new OnnxqException(
            r.flag()
                + " matches no linear layer; layer names look like '"
                + names.get(Math.min(1, names.size() - 1))
                + "' (all are in the --report layer list)");
      }
    }
    for (String n : names) {
      var rule = overrides.forLayer(n);
      if (rule.isEmpty()) continue;
      if (rule.get().keepFloat()) floats++;
      else other++;
    }
    progress.info(
        "layer overrides: "
            + floats
            + " linear layers kept float, "
            + other
            + " at their own width");
  }
}
