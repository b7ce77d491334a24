package io.onnxq.rewrite;

import io.onnxq.convert.QuantTable;
import io.onnxq.model.OnnxModel;
import io.onnxq.pattern.VitStructure;

/** What a rewrite rule sees: the model being rewritten, its structure, the chosen parameters. */
public record RewriteContext(OnnxModel model, VitStructure structure, QuantTable table, QdqBuilder qdq) {}
