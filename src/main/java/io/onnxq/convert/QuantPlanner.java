package io.onnxq.convert;

import io.onnxq.pattern.Attention;
import io.onnxq.pattern.LayerNormPattern;
import io.onnxq.pattern.LinearLayer;
import io.onnxq.pattern.TransformerBlock;
import io.onnxq.pattern.VitStructure;
import io.onnxq.quant.IntRange;
import java.util.Locale;

/**
 * Decides placement: which activations and weights are quantized, with which integer grid. This is
 * the config that maps each op to its quantizer; the rewrites only execute it.
 */
public final class QuantPlanner {
  private QuantPlanner() {}

  public static QuantTable plan(VitStructure s, ConvertOptions o) {
    QuantTable t = new QuantTable();
    IntRange act = IntRange.uint(o.aBits());
    IntRange w = o.wBits() < 8 ? IntRange.uint(o.wBits())
        : o.weightRange() == ConvertOptions.WeightRange.FULL ? IntRange.sintNarrow(8) : IntRange.sintReduced(8);
    for (LinearLayer l : s.linears()) {
      String role = l.role().name().toLowerCase(Locale.ROOT);
      t.addWeight(l.weight(), role, w);
      // The image entering the patch embedding stays 8-bit at every bit width (as in AdaLog).
      t.addActivation(l.input(), role + ".input", l.role() == LinearLayer.Role.PATCH_EMBED ? IntRange.uint(8) : act, false);
    }
    for (Attention a : s.attentions()) {
      t.addActivation(a.qInput(), "attn.q", act, false);
      t.addActivation(a.kInput(), "attn.k", act, false);
      t.addActivation(a.vInput(), "attn.v", act, false);
      if (o.logIntSoftmax()) {
        t.addActivation(a.logits(), "attn.logits", act, false, a.unmaskedLogits());
      } else if (o.probs() == ConvertOptions.Probs.UNIFORM) {
        t.addActivation(a.probs(), "attn.probs", IntRange.uint(o.lowBit() ? o.aBits() : o.attnBits()), false);
      }
    }
    if (o.fullPlacement()) planFullPlacement(s, o, t, act);
    return t;
  }

  /** FQ-ViT's placement (its section 1.5): everything between the integer ops is 8-bit too. */
  private static void planFullPlacement(VitStructure s, ConvertOptions o, QuantTable t, IntRange act) {
    java.util.Set<String> normInputs = new java.util.HashSet<>();
    for (LayerNormPattern ln : s.layerNorms()) normInputs.add(ln.input());
    for (LayerNormPattern ln : s.layerNorms()) {
      if (normInputs.contains(ln.output())) {
        // A LayerNorm feeding another one directly (Swin's patch-embedding norm before block 0):
        // its output is the next norm's per-channel input, and the integer LayerNorm writes one
        // per-tensor grid, so this one stays float between per-tensor input and that PTF output.
        t.addActivation(ln.input(), "layernorm.input", act, false);
        continue;
      }
      t.addActivation(ln.input(), "layernorm.input", act, o.pts());
      t.addActivation(ln.output(), "layernorm.output", act, false);
    }
    for (TransformerBlock b : s.blocks()) {
      for (LinearLayer l : b.qkv()) t.addActivation(l.output(), "qkv.output", act, false);
      Attention a = b.attention();
      if (a != null) t.addActivation(a.logits(), "attn.logits", act, false, a.unmaskedLogits());
      if (b.proj() != null) t.addActivation(b.proj().output(), "proj.output", act, false);
      if (b.fc2() != null) t.addActivation(b.fc2().output(), "fc2.output", act, false);
    }
    for (LinearLayer head : s.linears(LinearLayer.Role.HEAD)) t.addActivation(head.output(), "head.output", act, false);

  }
}
