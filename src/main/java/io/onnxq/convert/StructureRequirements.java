package io.onnxq.convert;

import io.onnxq.OnnxqException;
import io.onnxq.pattern.TransformerBlock;
import io.onnxq.pattern.VitStructure;
import io.onnxq.recipe.Recipe;

/**
 * What each recipe needs of the recognised structure, checked before calibration so that a model
 * the finder only half understood is refused with the construct it lacks instead of half converted.
 */
final class StructureRequirements {
  private StructureRequirements() {}

  static void check(VitStructure s, Recipe r) {
    if (!r.needsCompleteBlocks()) return;
    TransformerBlock b = s.firstIncomplete().orElse(null);
    if (b != null) {
      throw new OnnxqException(
          r.flagLabel()
              + " needs complete transformer blocks, but block "
              + b.index()
              + " has "
              + b.missing()
              + " (run 'onnxq inspect' for the coverage)");
    }
  }
}
