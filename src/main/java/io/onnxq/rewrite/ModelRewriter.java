package io.onnxq.rewrite;

import io.onnxq.model.ModelChecker;
import io.onnxq.model.OnnxModel;
import io.onnxq.model.OpsetUpgrader;
import io.onnxq.ops.CustomOps;
import io.onnxq.pattern.VitStructure;
import io.onnxq.plan.ActivationEntry;
import io.onnxq.plan.QuantPlan;
import io.onnxq.proto.Onnx.ModelProto;
import io.onnxq.recipe.Emit;
import java.util.List;

/**
 * Applies the rewrite rules for a plan to a model (in place) and returns the checked proto. Tensors
 * the plan does not cover stay FP32, so a partial plan gives a partly quantized model.
 */
public final class ModelRewriter {
  private ModelRewriter() {}

  /** Models with onnxq custom ops or sub-8-bit grids are raised to the opset of the ops' bodies. */
  public static ModelProto rewrite(
      OnnxModel model, VitStructure structure, QuantPlan plan, Emit emit) {
    return rewrite(model, structure, plan, emit, Rewrites.all());
  }

  /** With a given rule list (tests apply one rule at a time). */
  static ModelProto rewrite(
      OnnxModel model, VitStructure structure, QuantPlan plan, Emit emit, List<Rewrite> rules) {
    boolean opset21 = plan.needsOpset21();
    QdqBuilder qdq = new QdqBuilder(model.graph(), opset21);
    for (ActivationEntry e : plan.activations()) {
      if (e.quant().rank() > 0) qdq.declareRank(e.tensor(), e.quant().rank());
    }
    RewriteContext ctx = new RewriteContext(model, structure, plan, qdq);
    for (Rewrite r : rules) r.apply(ctx);
    boolean custom =
        model.graph().nodes().stream().anyMatch(n -> n.domain().equals(CustomOps.DOMAIN));
    List<String> domains = custom ? List.of(CustomOps.DOMAIN) : List.of();
    if (custom || opset21) {
      OpsetUpgrader.upgrade(model, CustomOps.ONNX_OPSET);
      model.requireIrVersion(CustomOps.IR_VERSION);
      if (custom && emit == Emit.INLINE) {
        FunctionInliner.inline(model, CustomOps.DOMAIN);
        domains = List.of();
      }
    }
    model.graph().removeDeadCode();
    ModelProto out = model.toProto(domains);
    List<String> problems = ModelChecker.check(out);
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          "onnxq produced an invalid model (a bug): " + problems.get(0));
    }
    return out;
  }
}
