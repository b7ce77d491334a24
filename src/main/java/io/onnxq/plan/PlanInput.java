package io.onnxq.plan;

import io.onnxq.calib.Progress;
import io.onnxq.data.Dataset;
import io.onnxq.model.Graph;
import io.onnxq.pattern.VitStructure;
import io.onnxq.proto.Onnx.ModelProto;

/**
 * What a planner works from: the normalised FP32 model (as a proto to run and as the graph it was
 * found in, read-only), its structure, calibration data and the batch size it runs at.
 */
public record PlanInput(
    ModelProto fp32,
    Graph graph,
    VitStructure structure,
    Dataset calib,
    int batchSize,
    Progress progress) {}
