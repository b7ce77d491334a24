package io.onnxq.convert;

import io.onnxq.model.ModelChecker;
import io.onnxq.model.OnnxModel;
import io.onnxq.model.OpsetUpgrader;
import io.onnxq.ops.CustomOps;
import io.onnxq.pattern.VitStructure;
import io.onnxq.proto.Onnx.ModelProto;
import io.onnxq.rewrite.FunctionInliner;
import io.onnxq.rewrite.QdqBuilder;
import io.onnxq.rewrite.Rewrite;
import io.onnxq.rewrite.RewriteContext;
import io.onnxq.rewrite.Rewrites;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies the rewrite rules for a quant table to a model (in place) and returns the checked proto.
 * Tensors the table does not cover stay FP32, so a partly filled table gives a partly quantized
 * model (sequential calibration uses that).
 */
final class ModelRewriter {
  private ModelRewriter() {}

  /** Models with onnxq custom ops are raised to the opset of their bodies. */
  static ModelProto rewrite(OnnxModel model, VitStructure structure, QuantTable table, ConvertOptions options) {
    QdqBuilder qdq = new QdqBuilder(model.graph(), options.lowBit());
    table.ranks().forEach(qdq::declareRank);
    RewriteContext ctx = new RewriteContext(model, structure, table, qdq);
    List<String> domains = new ArrayList<>();
    for (Rewrite r : Rewrites.forOptions(options)) {
      r.apply(ctx);
      if (r instanceof Rewrites.CustomDomain d && !domains.contains(d.domain())) domains.add(d.domain());
    }
    if (!domains.isEmpty() || options.lowBit()) {
      OpsetUpgrader.upgrade(model, CustomOps.ONNX_OPSET);
      model.requireIrVersion(CustomOps.IR_VERSION);
      if (options.emit() == ConvertOptions.Emit.INLINE) {
        for (String d : domains) FunctionInliner.inline(model, d);
        domains.clear();
      }
    }
    model.graph().removeDeadCode();
    ModelProto out = model.toProto(domains);
    List<String> problems = ModelChecker.check(out);
    if (!problems.isEmpty()) {
      throw new IllegalStateException("onnxq produced an invalid model (a bug): " + problems.get(0));
    }
    return out;
  }
}
