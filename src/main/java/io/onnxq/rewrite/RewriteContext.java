package io.onnxq.rewrite;

import io.onnxq.model.OnnxModel;
import io.onnxq.pattern.VitStructure;
import io.onnxq.plan.QuantPlan;

/** What a rewrite rule sees: the model being rewritten, its structure, the plan it executes. */
public record RewriteContext(
    OnnxModel model, VitStructure structure, QuantPlan plan, QdqBuilder qdq) {}
