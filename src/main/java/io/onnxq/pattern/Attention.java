package io.onnxq.pattern;

import io.onnxq.model.Node;

/**
 * The two activation-by-activation matmuls of self-attention and the Softmax between them.
 *
 * @param qk the MatMul producing the (possibly pre-scaled) logits
 * @param softmax the Softmax over the last axis
 * @param av the MatMul of the probabilities with V
 * @param logits the Softmax input (after scale and any mask/bias Add)
 * @param probs the Softmax output (first input of av)
 */
public record Attention(Node qk, Node softmax, Node av, String logits, String probs) {
  public String qInput() { return qk.input(0); }
  public String kInput() { return qk.input(1); }
  public String vInput() { return av.input(1); }
  public String output() { return av.output(0); }
}
