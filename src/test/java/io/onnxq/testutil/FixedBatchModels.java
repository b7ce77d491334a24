package io.onnxq.testutil;

import io.onnxq.model.Tensors;
import io.onnxq.proto.Onnx.GraphProto;
import io.onnxq.proto.Onnx.ModelProto;
import io.onnxq.proto.Onnx.NodeProto;
import io.onnxq.proto.Onnx.TensorShapeProto;
import io.onnxq.proto.Onnx.ValueInfoProto;

/**
 * Models that run only at one batch, made from a dynamic-batch ViT the way real exports come:
 * static declared shapes (dynamo exporter), or batch 1 baked into an attention Reshape behind a
 * dynamic input (traced torchvision MultiheadAttention).
 */
public final class FixedBatchModels {
  private FixedBatchModels() {}

  /** Declares the first dim of every graph input and output as {@code batch}. */
  public static ModelProto declaredBatch(ModelProto m, int batch) {
    GraphProto.Builder g = m.getGraph().toBuilder();
    for (ValueInfoProto.Builder v : g.getInputBuilderList()) fixFirstDim(v, batch);
    for (ValueInfoProto.Builder v : g.getOutputBuilderList()) fixFirstDim(v, batch);
    return m.toBuilder().setGraph(g).build();
  }

  private static void fixFirstDim(ValueInfoProto.Builder v, int batch) {
    TensorShapeProto.Builder s = v.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder();
    if (s.getDimCount() > 0)
      s.setDim(0, TensorShapeProto.Dimension.newBuilder().setDimValue(batch));
  }

  /**
   * Batch 1 and the token count baked into the first attention Reshape, as traced attention does:
   * batch 2 fails in ORT. (Baking the batch alone is not enough: from BASIC_OPT on, ORT rewrites
   * that shape so that batch 2 runs with the samples mixed, as in {@link #mixedBatch}.)
   */
  public static ModelProto bakedBatch1(ModelProto m, long tokens) {
    return attentionReshapeShape(m, 1, tokens);
  }

  /**
   * Batch 1 and tokens -1 in the first attention Reshape: batch 2 runs, but attention then spans
   * both samples' tokens, so the first sample's logits change (the silent form of the bug).
   */
  public static ModelProto mixedBatch(ModelProto m) {
    return attentionReshapeShape(m, 1, -1L);
  }

  /**
   * The exports' attention Reshape takes its shape from Concat(batch, tokens, 3, heads, dim), batch
   * and tokens computed from Shape at run time; replaces those two entries with literals.
   */
  private static ModelProto attentionReshapeShape(ModelProto m, long batch, long tokens) {
    GraphProto.Builder g = m.getGraph().toBuilder();
    String shape = null;
    for (NodeProto n : g.getNodeList()) {
      if (n.getOpType().equals("Reshape") && n.getName().contains("/attn/")) {
        shape = n.getInput(1);
        break;
      }
    }
    if (shape == null)
      throw new IllegalArgumentException("no attention Reshape in " + m.getGraph().getName());
    for (int i = 0; i < g.getNodeCount(); i++) {
      NodeProto n = g.getNode(i);
      if (!n.getOpType().equals("Concat") || !n.getOutputList().contains(shape)) continue;
      NodeProto.Builder b = n.toBuilder().setInput(0, literal(g, "baked_batch", batch));
      b.setInput(1, literal(g, "baked_tokens", tokens));
      g.setNode(i, b);
      return m.toBuilder().setGraph(g).build();
    }
    throw new IllegalArgumentException(
        "the attention Reshape's shape " + shape + " is not a Concat");
  }

  private static String literal(GraphProto.Builder g, String name, long v) {
    g.addInitializer(Tensors.int64s(name, new long[] {v}, 1));
    return name;
  }
}
