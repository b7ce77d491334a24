package io.onnxq.plan;

import io.onnxq.calib.Progress;
import io.onnxq.data.Dataset;
import io.onnxq.model.Graph;
import io.onnxq.pattern.LinearLayer;
import io.onnxq.pattern.VitStructure;
import io.onnxq.proto.Onnx.ModelProto;
import io.onnxq.recipe.LayerOverrides;
import java.util.Optional;

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

  /** The override deciding a linear layer, if any. */
  public Optional<LayerOverrides.Rule> override(LinearLayer l) {
    return overrides.forLayer(l.moduleName());
  }
}
