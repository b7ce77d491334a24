package io.onnxq.pattern;

import io.onnxq.model.Graph;
import io.onnxq.model.Node;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What the recognised structure does not explain: every MatMul, Gemm, Conv, Softmax, LayerNorm and
 * GELU of the graph is either part of a block (or of the patch embedding, a PatchMerging, the final
 * norm or the head) or listed here with the reason.
 */
public final class Coverage {
  /** A node left out of the structure, and why. */
  public record Gap(String node, String opType, String reason) {
    public String text() {
      return opType + " '" + node + "': " + reason;
    }
  }

  private Coverage() {}

  static List<Gap> of(Graph g, VitStructure s) {
    Set<Node> covered = new HashSet<>();
    List<Gap> gaps = new ArrayList<>();
    for (LinearLayer l : s.linears()) {
      if (l.role() != LinearLayer.Role.OTHER && inCompletePart(s, l)) covered.add(l.node());
    }
    for (Attention a : s.attentions()) {
      TransformerBlock b = blockOf(s, a);
      if (b != null && b.complete()) covered.addAll(List.of(a.qk(), a.softmax(), a.av()));
    }
    Set<LayerNormPattern> norms = new HashSet<>();
    for (TransformerBlock b : s.blocks()) {
      if (!b.complete()) continue;
      norms.add(b.norm1());
      norms.add(b.norm2());
      covered.addAll(b.gelu().nodes());
    }
    for (PatchMerging m : s.merges()) norms.add(m.norm());
    if (s.finalNorm() != null) norms.add(s.finalNorm());
    if (s.embeddingNorm() != null) norms.add(s.embeddingNorm());
    for (LayerNormPattern n : s.layerNorms()) {
      if (norms.contains(n)) covered.addAll(n.nodes());
    }
    for (GeluPattern ge : s.gelus()) {
      if (!covered.containsAll(ge.nodes()))
        gaps.add(new Gap(name(ge.nodes().get(0)), "GELU", reasonGelu(s, ge)));
    }
    for (LayerNormPattern n : s.layerNorms()) {
      if (!covered.contains(n.nodes().get(0))) {
        gaps.add(new Gap(name(n.nodes().get(0)), "LayerNorm", blockReason(s, n)));
      }
    }
    for (Node n : g.topologicalOrder()) {
      if (covered.contains(n)) continue;
      if (n.is("MatMul") || n.is("Gemm") || n.is("Conv"))
        gaps.add(new Gap(name(n), n.opType(), reasonLinear(s, n)));
      else if (n.is("Softmax")) gaps.add(new Gap(name(n), "Softmax", reasonSoftmax(s, n)));
    }
    return gaps;
  }

  private static boolean inCompletePart(VitStructure s, LinearLayer l) {
    for (TransformerBlock b : s.blocks()) {
      boolean mine =
          b.qkv().contains(l) || l.equals(b.proj()) || l.equals(b.fc1()) || l.equals(b.fc2());
      if (mine) return b.complete();
    }
    return true;
  }

  private static TransformerBlock blockOf(VitStructure s, Attention a) {
    for (TransformerBlock b : s.blocks()) if (b.attention() == a) return b;
    return null;
  }

  private static String reasonLinear(VitStructure s, Node n) {
    for (TransformerBlock b : s.blocks()) {
      if (b.attention().qk() == n || b.attention().av() == n)
        return "in block " + b.index() + ", " + b.missing();
      for (LinearLayer l : blockLinears(b))
        if (l.node() == n) return "in block " + b.index() + ", " + b.missing();
    }
    for (LinearLayer l : s.linears()) {
      if (l.node() == n)
        return "linear layer outside the recognised blocks, embedding, PatchMerging and head";
    }
    if (n.is("Conv")) return "Conv with a non-constant weight or groups";
    return "MatMul of two activations outside a recognised attention";
  }

  private static List<LinearLayer> blockLinears(TransformerBlock b) {
    List<LinearLayer> out = new ArrayList<>(b.qkv());
    for (LinearLayer l : new LinearLayer[] {b.proj(), b.fc1(), b.fc2()}) if (l != null) out.add(l);
    return out;
  }

  private static String reasonSoftmax(VitStructure s, Node n) {
    for (TransformerBlock b : s.blocks())
      if (b.attention().softmax() == n) return "in block " + b.index() + ", " + b.missing();
    return "Softmax not between two activation matmuls";
  }

  private static String reasonGelu(VitStructure s, GeluPattern ge) {
    for (TransformerBlock b : s.blocks())
      if (b.gelu() == ge) return "in block " + b.index() + ", " + b.missing();
    return "GELU outside an MLP between two linears of a block";
  }

  private static String blockReason(VitStructure s, LayerNormPattern n) {
    for (TransformerBlock b : s.blocks()) {
      if (b.norm1() == n || b.norm2() == n) return "in block " + b.index() + ", " + b.missing();
    }
    return "LayerNorm outside the blocks, the embedding, a PatchMerging and the final norm";
  }

  private static String name(Node n) {
    return n.name().isEmpty() ? n.output(0) : n.name();
  }
}
