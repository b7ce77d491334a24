package io.onnxq.plan;

import io.onnxq.calib.Progress;
import io.onnxq.data.Dataset;
import io.onnxq.model.Graph;
import io.onnxq.pattern.LinearLayer;
import io.onnxq.pattern.VitStructure;
import io.onnxq.proto.Onnx.ModelProto;
import io.onnxq.recipe.LayerOverrides;
import java.util.OptionalInt;

/**
 * What a planner works from: the normalised FP32 model (as a proto to run and as the graph it was
 * found in, read-only), its structure, calibration data, the batch size it runs at, and the
 * per-layer overrides to apply.
 */
public record PlanInput(
    ModelProto fp32,
    Graph graph,
    VitStructure structure,
    Dataset calib,
    int batchSize,
    LayerOverrides overrides,
    Progress progress) {

  public PlanInput withOverrides(LayerOverrides o) {
    return new PlanInput(fp32, graph, structure, calib, batchSize, o, progress);
  }

  /** Whether an override keeps the linear layer in float. */
  public boolean keptFloat(LinearLayer l) {
    return overrides.forLayer(l.moduleName()).map(LayerOverrides.Rule::keepFloat).orElse(false);
  }

  /** The width an override gives the linear layer (its weights and input), if any. */
  public OptionalInt ownBits(LinearLayer l) {
    return overrides
        .forLayer(l.moduleName())
        .filter(r -> !r.keepFloat())
        .map(r -> OptionalInt.of(r.bits()))
        .orElse(OptionalInt.empty());
  }
}
