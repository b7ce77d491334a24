package io.onnxq.plan;

import io.onnxq.calib.Tap;
import io.onnxq.pattern.Attention;
import io.onnxq.pattern.LayerNormPattern;
import io.onnxq.pattern.LinearLayer;
import io.onnxq.pattern.TransformerBlock;
import io.onnxq.pattern.VitStructure;
import io.onnxq.quant.IntRange;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Which activations an observer-calibrated recipe quantizes, on which grid, decided from the
 * structure alone (before calibration): the linear inputs and attention operands, and under
 * FQ-ViT's placement everything between the integer ops too.
 */
final class Placement {
  /**
   * A tensor to calibrate: {@code ptf} = per-channel power-of-two factors; {@code observed} is the
   * tensor whose statistics choose the grid (usually the tensor itself).
   */
  record Site(String tensor, String role, IntRange range, boolean ptf, String observed) {}

  /** How the attention probabilities are quantized. */
  enum Probs {
    /** Uniform grid of {@code probsBits}. */
    UNIFORM,
    /** FQ-ViT LIS: the logits are quantized and the integer softmax writes log2 codes. */
    LOG_INT_SOFTMAX,
    /** A fixed log2 quantizer, added after calibration. */
    LOG2
  }

  /**
   * @param actBits activation bits (the image entering the patch embedding stays 8-bit)
   * @param fullPlacement FQ-ViT's placement (its section 1.5)
   * @param pts PTF grids on the LayerNorm inputs (with the full placement)
   */
  record Config(int actBits, boolean fullPlacement, boolean pts, Probs probs, int probsBits) {}

  private final Map<String, Site> sites = new LinkedHashMap<>();

  private Placement() {}

  /**
   * Sites for a structure; linear layers kept float or given their own width by {@code in}'s
   * overrides.
   */
  static Placement of(VitStructure s, Config c, PlanInput in) {
    Placement p = new Placement();
    IntRange act = IntRange.uint(c.actBits());
    for (LinearLayer l : s.linears()) {
      if (in.keptFloat(l)) continue;
      String role = l.role().name().toLowerCase(Locale.ROOT);
      int fallback = l.role() == LinearLayer.Role.PATCH_EMBED ? 8 : c.actBits();
      IntRange r = IntRange.uint(in.ownBits(l).orElse(fallback));
      p.add(l.input(), role + ".input", r, false);
    }
    for (Attention a : s.attentions()) {
      OptionalInt own = attentionBits(s, a, in);
      IntRange ops = own.isPresent() ? IntRange.uint(own.getAsInt()) : act;
      p.add(a.qInput(), "attn.q", ops, false);
      p.add(a.kInput(), "attn.k", ops, false);
      p.add(a.vInput(), "attn.v", ops, false);
      if (c.probs() == Probs.LOG_INT_SOFTMAX) {
        p.add(a.logits(), "attn.logits", act, false, a.unmaskedLogits());
      } else if (c.probs() == Probs.UNIFORM) {
        p.add(a.probs(), "attn.probs", IntRange.uint(own.orElse(c.probsBits())), false);
      }
    }
    if (c.fullPlacement()) p.addFullPlacement(s, c.pts(), act);
    return p;
  }

  /** The width an override gives the attention's block through its qkv layer (the MSA module). */
  static OptionalInt attentionBits(VitStructure s, Attention a, PlanInput in) {
    for (TransformerBlock b : s.blocks()) {
      if (b.attention() == a && !b.qkv().isEmpty()) return in.ownBits(b.qkv().get(0));
    }
    return OptionalInt.empty();
  }

  /**
   * Everything between the integer ops is quantized too: residual stream, norms, branch outputs.
   */
  private void addFullPlacement(VitStructure s, boolean pts, IntRange act) {
    Set<String> normInputs = new HashSet<>();
    for (LayerNormPattern ln : s.layerNorms()) normInputs.add(ln.input());
    for (LayerNormPattern ln : s.layerNorms()) {
      if (normInputs.contains(ln.output())) {
        // A LayerNorm feeding another one directly (Swin's patch-embedding norm before block 0):
        // its output is the next norm's per-channel input, and the integer LayerNorm writes one
        // per-tensor grid, so this one stays float between per-tensor input and that PTF output.
        add(ln.input(), "layernorm.input", act, false);
        continue;
      }
      add(ln.input(), "layernorm.input", act, pts);
      add(ln.output(), "layernorm.output", act, false);
    }
    for (TransformerBlock b : s.blocks()) {
      for (LinearLayer l : b.qkv()) add(l.output(), "qkv.output", act, false);
      Attention a = b.attention();
      if (a != null) add(a.logits(), "attn.logits", act, false, a.unmaskedLogits());
      if (b.proj() != null) add(b.proj().output(), "proj.output", act, false);
      if (b.fc2() != null) add(b.fc2().output(), "fc2.output", act, false);
    }
    for (LinearLayer head : s.linears(LinearLayer.Role.HEAD))
      add(head.output(), "head.output", act, false);
  }

  private void add(String tensor, String role, IntRange range, boolean ptf) {
    add(tensor, role, range, ptf, tensor);
  }

  /**
   * The first site of a tensor wins, unless a later one asks for PTF (the norm input under PTS).
   */
  private void add(String tensor, String role, IntRange range, boolean ptf, String observed) {
    Site old = sites.get(tensor);
    if (old == null || (ptf && !old.ptf()))
      sites.put(tensor, new Site(tensor, role, range, ptf, observed));
  }

  List<Site> sites() {
    return new ArrayList<>(sites.values());
  }

  /** One tap per observed tensor (PTF sites observe per channel). */
  List<Tap> taps() {
    List<Tap> taps = new ArrayList<>();
    for (Site s : sites.values()) {
      Tap tap = new Tap(s.observed(), s.ptf());
      if (!taps.contains(tap)) taps.add(tap);
    }
    return taps;
  }
}
