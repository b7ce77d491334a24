package io.onnxq.normalize;

import io.onnxq.model.OnnxModel;

/**
 * Removes what exporters add without meaning, before pattern finding: pass-through nodes, constant
 * and shape subgraphs, cancelling Transpose pairs. The model is edited in place; nodes the passes
 * do not need to touch keep their names and metadata, and the graph computes the same function.
 *
 * <p>Forms that carry meaning but vary by exporter (MatMul + Add or Gemm, an attention scale on q,
 * on k, on both or after the product, mask and bias Adds before the Softmax) are left in the graph
 * and accepted by the pattern finder as they are.
 */
public final class GraphNormalizer {
  private GraphNormalizer() {}

  public static NormalizationReport normalize(OnnxModel model) {
    // Folding first: it turns Constant-fed Casts and shape arithmetic into initializers, so the
    // type propagation below sees fewer unknowns.
    ConstantFolding.Counts folded = ConstantFolding.apply(model);
    NoOpElimination.Counts noOps =
        NoOpElimination.apply(
            model.graph(),
            new ElementTypes(model.graph(), model.original().getGraph().getValueInfoList()));
    int transposes = TransposePairElimination.apply(model.graph());
    model.graph().removeDeadCode();
    return new NormalizationReport(
        noOps.identities(),
        noOps.dropouts(),
        noOps.casts(),
        noOps.nanGuards(),
        folded.constants(),
        folded.shapes(),
        transposes);
  }
}
