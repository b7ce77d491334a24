package io.onnxq.plan;

import io.onnxq.OnnxqException;
import io.onnxq.calib.ActivationCapture.Captured;

/**
 * Sizes of captured attention operands laid out [batch, heads, tokens, dim] (K arrives as [batch,
 * heads, dim, tokens]); batch counts images, or windows times images for Swin.
 */
record AttentionDims(int images, int heads, int tokens, int d) {
  int segments() {
    return images * heads;
  }

  /** The sizes read from q, or null unless q and every other operand have rank 4. */
  static AttentionDims of(Captured q, Captured... others) {
    if (q.shape().length != 4) return null;
    for (Captured c : others) if (c.shape().length != 4) return null;
    long[] s = q.shape();
    return new AttentionDims((int) s[0], (int) s[1], (int) s[2], (int) s[3]);
  }

  /** As {@link #of}, refusing other layouts in the name of {@code who}. */
  static AttentionDims require(String who, Captured q, Captured... others) {
    AttentionDims d = of(q, others);
    if (d == null)
      throw new OnnxqException(
          who + " expects attention operands shaped [batch, heads, tokens, dim]");
    return d;
  }
}
