package io.onnxq.pattern;

import io.onnxq.model.Node;

/**
 * The two activation-by-activation matmuls of self-attention and the Softmax between them. Tensor
 * names are captured when the pattern is found, so they stay valid while rewrites edit the nodes.
 *
 * @param qk the MatMul producing the (possibly pre-scaled) logits
 * @param softmax the Softmax over the last axis
 * @param av the MatMul of the probabilities with V
 * @param logits the Softmax input (after scale and any mask/bias Add)
 * @param probs the Softmax output (first input of av)
 * @param unmaskedLogits the logits before a constant mask Add (Swin's shifted windows), else {@code
 *     logits}: masked entries sit far below the others, and a grid chosen on them would waste its
 *     levels there
 */
public record Attention(
    Node qk,
    Node softmax,
    Node av,
    String logits,
    String probs,
    String qInput,
    String kInput,
    String vInput,
    String output,
    String unmaskedLogits) {

  static Attention of(Node qk, Node softmax, Node av, String unmaskedLogits) {
    return new Attention(
        qk,
        softmax,
        av,
        softmax.input(0),
        softmax.output(0),
        qk.input(0),
        qk.input(1),
        av.input(1),
        av.output(0),
        unmaskedLogits);
  }
}
