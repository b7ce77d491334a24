package io.onnxq.convert;

import io.onnxq.pattern.Attention;
import io.onnxq.pattern.LinearLayer;
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
    IntRange act = IntRange.uint(8);
    IntRange w = o.weightRange() == ConvertOptions.WeightRange.FULL ? IntRange.sintNarrow(8) : IntRange.sintReduced(8);
    for (LinearLayer l : s.linears()) {
      String role = l.role().name().toLowerCase(Locale.ROOT);
      t.addWeight(l.weight(), role, w);
      t.addActivation(l.input(), role + ".input", act, false);
    }
    for (Attention a : s.attentions()) {
      t.addActivation(a.qInput(), "attn.q", act, false);
      t.addActivation(a.kInput(), "attn.k", act, false);
      t.addActivation(a.probs(), "attn.probs", IntRange.uint(o.attnBits()), false);
      t.addActivation(a.vInput(), "attn.v", act, false);
    }
    return t;
  }
}
