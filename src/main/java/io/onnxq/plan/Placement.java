package io.onnxq.plan;

import io.onnxq.calib.Tap;
import io.onnxq.model.Graph;
import io.onnxq.pattern.Attention;
import io.onnxq.pattern.GeluPattern;
import io.onnxq.pattern.LayerNormPattern;
import io.onnxq.pattern.LinearLayer;
import io.onnxq.pattern.TransformerBlock;
import io.onnxq.pattern.VitStructure;
import io.onnxq.proto.Onnx.ValueInfoProto;
import io.onnxq.quant.IntRange;
import io.onnxq.recipe.GeluMode;
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
   * A tensor to calibrate; {@code observed} is the tensor whose statistics choose the grid (usually
   * the tensor itself).
   */
  record Site(String tensor, String role, IntRange range, Grid grid, String observed) {}

  /** The kinds of activation grid, in the order a later site may upgrade an earlier one. */
  enum Grid {
    PER_TENSOR,
    /**
     * A per-tensor grid written as PTF factors (all 0), for an integer LayerNorm whose input ORT
     * must see per tensor: a Conv output, which ORT fuses with its Q into QLinearConv.
     */
    PTF_PER_TENSOR,
    /** FQ-ViT power-of-two factors per channel (the LayerNorm inputs under PTS). */
    PTF
  }

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
   * @param gelu integer modes: the fc1 outputs are quantized too and each GELU between two
   *     quantized linears becomes an integer GELU (with the full placement)
   */
  record Config(
      int actBits, boolean fullPlacement, boolean pts, Probs probs, int probsBits, GeluMode gelu) {
    Config(int actBits, boolean fullPlacement, boolean pts, Probs probs, int probsBits) {
      this(actBits, fullPlacement, pts, probs, probsBits, GeluMode.FLOAT);
    }
  }

  private final Map<String, Site> sites = new LinkedHashMap<>();
  private final List<GeluPattern> intGelus = new ArrayList<>();

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
      p.add(l.input(), role + ".input", r, Grid.PER_TENSOR);
    }
    for (Attention a : s.attentions()) {
      OptionalInt own = attentionBits(s, a, in);
      IntRange ops = own.isPresent() ? IntRange.uint(own.getAsInt()) : act;
      p.add(a.qInput(), "attn.q", ops, Grid.PER_TENSOR);
      p.add(a.kInput(), "attn.k", ops, Grid.PER_TENSOR);
      p.add(a.vInput(), "attn.v", ops, Grid.PER_TENSOR);
      if (c.probs() == Probs.LOG_INT_SOFTMAX) {
        p.add(a.logits(), "attn.logits", act, Grid.PER_TENSOR, a.unmaskedLogits());
      } else if (c.probs() == Probs.UNIFORM) {
        p.add(a.probs(), "attn.probs", IntRange.uint(own.orElse(c.probsBits())), Grid.PER_TENSOR);
      }
    }
    if (c.fullPlacement()) p.addFullPlacement(s, in.graph(), c.pts(), act);
    if (c.fullPlacement() && c.gelu().integer()) p.addIntGelus(s, act, in);
    return p;
  }

  /**
   * A GELU whose input is fc1's output and whose output is fc2's quantized input runs on codes:
   * fc1's output gets a grid, and the GELU is listed for the integer rewrite.
   */
  private void addIntGelus(VitStructure s, IntRange act, PlanInput in) {
    for (TransformerBlock b : s.blocks()) {
      GeluPattern gelu = b.gelu();
      if (gelu == null || b.fc1() == null || b.fc2() == null) continue;
      if (in.keptFloat(b.fc1()) || in.keptFloat(b.fc2())) continue;
      if (!gelu.input().equals(b.fc1().output()) || !gelu.output().equals(b.fc2().input()))
        continue;
      add(gelu.input(), "fc1.output", act, Grid.PER_TENSOR);
      intGelus.add(gelu);
    }
  }

  /** The width an override gives the attention's block through its qkv layer (the MSA module). */
  static OptionalInt attentionBits(VitStructure s, Attention a, PlanInput in) {
    for (TransformerBlock b : s.blocks()) {
      if (b.attention() == a && !b.qkv().isEmpty()) return in.ownBits(b.qkv().get(0));
    }
    return OptionalInt.empty();
  }

  /**
   * Everything between the integer ops is quantized too: residual stream, norms, branch outputs,
   * and the model's outputs (the head's, or what combines several heads).
   */
  private void addFullPlacement(VitStructure s, Graph g, boolean pts, IntRange act) {
    Set<String> normInputs = new HashSet<>();
    for (LayerNormPattern ln : s.layerNorms()) normInputs.add(ln.input());
    for (LayerNormPattern ln : s.layerNorms()) {
      if (normInputs.contains(ln.output())) {
        // A LayerNorm feeding another one directly (Swin's patch-embedding norm before block 0):
        // its output grid is the next norm's input grid (PTF under PTS, which the integer
        // LayerNorm writes with a scale per channel), planned by that norm. Its input is the
        // patch-embedding Conv's output, so under PTS a per-tensor grid in PTF form.
        add(ln.input(), "layernorm.input", act, pts ? Grid.PTF_PER_TENSOR : Grid.PER_TENSOR);
        continue;
      }
      add(ln.input(), "layernorm.input", act, pts ? Grid.PTF : Grid.PER_TENSOR);
      add(ln.output(), "layernorm.output", act, Grid.PER_TENSOR);
    }
    for (TransformerBlock b : s.blocks()) {
      for (LinearLayer l : b.qkv()) add(l.output(), "qkv.output", act, Grid.PER_TENSOR);
      Attention a = b.attention();
      if (a != null) add(a.logits(), "attn.logits", act, Grid.PER_TENSOR, a.unmaskedLogits());
      if (b.proj() != null) add(b.proj().output(), "proj.output", act, Grid.PER_TENSOR);
      if (b.fc2() != null) add(b.fc2().output(), "fc2.output", act, Grid.PER_TENSOR);
    }
    for (LinearLayer head : s.linears(LinearLayer.Role.HEAD))
      add(head.output(), "head.output", act, Grid.PER_TENSOR);
    for (ValueInfoProto out : g.outputs()) add(out.getName(), "model.output", act, Grid.PER_TENSOR);
  }

  private void add(String tensor, String role, IntRange range, Grid grid) {
    add(tensor, role, range, grid, tensor);
  }

  /**
   * The first site of a tensor wins, unless a later one asks for PTF (the norm input under PTS).
   */
  private void add(String tensor, String role, IntRange range, Grid grid, String observed) {
    Site old = sites.get(tensor);
    if (old == null || grid.compareTo(old.grid()) > 0)
      sites.put(tensor, new Site(tensor, role, range, grid, observed));
  }

  /** The GELUs that become an integer GELU, in block order. */
  List<GeluPattern> intGelus() {
    return List.copyOf(intGelus);
  }

  List<Site> sites() {
    return new ArrayList<>(sites.values());
  }

  /** One tap per observed tensor (PTF sites observe per channel). */
  List<Tap> taps() {
    List<Tap> taps = new ArrayList<>();
    for (Site s : sites.values()) {
      Tap tap = new Tap(s.observed(), s.grid() == Grid.PTF);
      if (!taps.contains(tap)) taps.add(tap);
    }
    return taps;
  }
}
