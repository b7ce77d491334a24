package io.onnxq.pattern;

import io.onnxq.OnnxqException;
import io.onnxq.model.Graph;
import io.onnxq.model.Node;
import io.onnxq.model.Tensors;
import io.onnxq.pattern.LinearLayer.Role;
import io.onnxq.proto.Onnx.TensorProto;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the ViT structure in an exported graph (timm, torchvision, Hugging Face; opset 13 to 21).
 */
public final class VitPatternFinder {
  private static final Set<String> POOLING =
      Set.of("ReduceMean", "GlobalAveragePool", "AveragePool", "Flatten");

  private final Graph g;
  private final Movement move;

  private VitPatternFinder(Graph g) {
    this.g = g;
    this.move = new Movement(g);
  }

  public static VitStructure find(Graph g) {
    return new VitPatternFinder(g).run();
  }

  private VitStructure run() {
    List<LinearLayer> linears = findLinears();
    List<LayerNormPattern> norms = findLayerNorms();
    List<GeluPattern> gelus = findGelus();
    List<Attention> attentions = findAttentions();
    if (attentions.isEmpty()) {
      throw new OnnxqException(
          "no transformer structure found: no Softmax between two activation MatMuls"
              + " (found "
              + linears.size()
              + " linear layers, "
              + norms.size()
              + " LayerNorms)");
    }
    Map<String, LinearLayer> byOutput = new LinkedHashMap<>();
    for (LinearLayer l : linears) byOutput.put(l.output(), l);
    Map<String, LayerNormPattern> normByOutput = new HashMap<>();
    for (LayerNormPattern n : norms) normByOutput.put(n.output(), n);
    Map<String, GeluPattern> geluByInput = new HashMap<>();
    for (GeluPattern ge : gelus) geluByInput.put(ge.input(), ge);

    List<TransformerBlock> blocks = new ArrayList<>();
    Map<LinearLayer, Role> roles = new HashMap<>();
    for (Attention a : attentions) {
      List<LinearLayer> qkv = new ArrayList<>();
      for (String src : List.of(a.qInput(), a.kInput(), a.vInput())) {
        LinearLayer l = upstreamLinear(src, byOutput);
        if (l != null && !qkv.contains(l)) qkv.add(l);
      }
      if (qkv.size() == 1) roles.put(qkv.get(0), Role.QKV);
      else if (qkv.size() == 3) {
        roles.put(qkv.get(0), Role.Q);
        roles.put(qkv.get(1), Role.K);
        roles.put(qkv.get(2), Role.V);
      }
      LayerNormPattern norm1 =
          qkv.isEmpty() ? null : normByOutput.get(move.back(qkv.get(0).input()));
      LinearLayer proj = linearAfter(a.output(), linears);
      String res1 = proj == null ? null : residualAfter(proj.output());
      LayerNormPattern norm2 = res1 == null ? null : normAfter(res1, norms);
      LinearLayer fc1 = norm2 == null ? null : linearAfter(norm2.output(), linears);
      GeluPattern gelu = fc1 == null ? null : geluAfter(fc1.output(), geluByInput);
      LinearLayer fc2 = gelu == null ? null : linearAfter(gelu.output(), linears);
      String res2 = fc2 == null ? null : residualAfter(fc2.output());
      if (proj != null) roles.put(proj, Role.PROJ);
      if (fc1 != null) roles.put(fc1, Role.FC1);
      if (fc2 != null) roles.put(fc2, Role.FC2);
      blocks.add(
          new TransformerBlock(
              blocks.size(), norm1, qkv, a, proj, res1, norm2, fc1, gelu, fc2, res2));
    }
    for (LinearLayer l : linears) {
      if (l.node().is("Conv") && l == linears.get(0)) roles.putIfAbsent(l, Role.PATCH_EMBED);
    }
    LayerNormPattern finalNorm = null;
    TransformerBlock last = blocks.get(blocks.size() - 1);
    if (last.residual2() != null) finalNorm = normAfter(last.residual2(), norms);
    // Heads read the final norm across pooling and token selection (DeiT's distilled models have
    // two); without a final norm the head is the last constant-weight layer no block claimed.
    boolean headFound = false;
    if (finalNorm != null) {
      for (LinearLayer l : linearsAfterPooling(finalNorm.output(), linears)) {
        if (!roles.containsKey(l)) {
          roles.put(l, Role.HEAD);
          headFound = true;
        }
      }
    }
    for (int i = linears.size() - 1; i >= 0 && !headFound; i--) {
      if (!roles.containsKey(linears.get(i))) {
        roles.put(linears.get(i), Role.HEAD);
        headFound = true;
      }
    }
    Set<LayerNormPattern> inBlocks = new HashSet<>();
    for (TransformerBlock b : blocks) {
      if (b.norm1() != null) inBlocks.add(b.norm1());
      if (b.norm2() != null) inBlocks.add(b.norm2());
    }
    LayerNormPattern embeddingNorm = null;
    for (LinearLayer l : linears) {
      if (roles.get(l) == Role.PATCH_EMBED) embeddingNorm = normAfter(l.output(), norms);
    }
    if (inBlocks.contains(embeddingNorm)) embeddingNorm = null;
    // Swin's PatchMerging: a LayerNorm outside the blocks, then the reduction linear.
    List<PatchMerging> merges = new ArrayList<>();
    for (LayerNormPattern n : norms) {
      if (inBlocks.contains(n) || n == finalNorm || n == embeddingNorm) continue;
      LinearLayer next = linearAfter(n.output(), linears);
      if (next != null && !roles.containsKey(next)) {
        roles.put(next, Role.MERGE);
        merges.add(new PatchMerging(n, next));
      }
    }
    List<LinearLayer> typed = new ArrayList<>();
    for (LinearLayer l : linears) typed.add(l.withRole(roles.getOrDefault(l, Role.OTHER)));
    Map<Node, LinearLayer> byNode = new HashMap<>();
    for (LinearLayer l : typed) byNode.put(l.node(), l);
    List<TransformerBlock> typedBlocks = new ArrayList<>();
    for (TransformerBlock b : blocks) typedBlocks.add(retype(b, byNode));
    List<PatchMerging> typedMerges =
        merges.stream()
            .map(m -> new PatchMerging(m.norm(), byNode.get(m.reduction().node())))
            .toList();
    String embedSum =
        typedBlocks.get(0).norm1() == null ? null : typedBlocks.get(0).norm1().input();
    VitStructure found =
        new VitStructure(
            typed,
            attentions,
            norms,
            gelus,
            typedBlocks,
            embedSum,
            finalNorm,
            embeddingNorm,
            typedMerges,
            List.of());
    return found.withCoverage(Coverage.of(g, found));
  }

  private static TransformerBlock retype(TransformerBlock b, Map<Node, LinearLayer> byNode) {
    List<LinearLayer> qkv = b.qkv().stream().map(l -> byNode.get(l.node())).toList();
    return new TransformerBlock(
        b.index(),
        b.norm1(),
        qkv,
        b.attention(),
        b.proj() == null ? null : byNode.get(b.proj().node()),
        b.residual1(),
        b.norm2(),
        b.fc1() == null ? null : byNode.get(b.fc1().node()),
        b.gelu(),
        b.fc2() == null ? null : byNode.get(b.fc2().node()),
        b.residual2());
  }

  /** The first linear reading {@code tensor}, directly or across data movement. */
  private LinearLayer linearAfter(String tensor, List<LinearLayer> linears) {
    List<String> reach = move.forward(tensor);
    for (String t : reach) {
      for (LinearLayer l : linears) if (l.input().equals(t)) return l;
    }
    return null;
  }

  /** Linears reading {@code tensor} across data movement and token pooling (mean, average pool). */
  private List<LinearLayer> linearsAfterPooling(String tensor, List<LinearLayer> linears) {
    List<LinearLayer> out = new ArrayList<>();
    ArrayDeque<String> todo = new ArrayDeque<>(List.of(tensor));
    Set<String> seen = new HashSet<>();
    while (!todo.isEmpty() && seen.size() < 64) {
      String t = todo.poll();
      if (!seen.add(t)) continue;
      for (String r : move.forward(t)) {
        for (LinearLayer l : linears) if (l.input().equals(r) && !out.contains(l)) out.add(l);
        for (Node c : g.consumers(r)) {
          if (POOLING.contains(c.opType())) todo.add(c.output(0));
        }
      }
    }
    return out;
  }

  private LayerNormPattern normAfter(String tensor, List<LayerNormPattern> norms) {
    List<String> reach = move.forward(tensor);
    for (String t : reach) {
      for (LayerNormPattern n : norms) if (n.input().equals(t)) return n;
    }
    return null;
  }

  private GeluPattern geluAfter(String tensor, Map<String, GeluPattern> byInput) {
    for (String t : move.forward(tensor)) {
      GeluPattern ge = byInput.get(t);
      if (ge != null) return ge;
    }
    return null;
  }

  // ---- linear layers ----

  private List<LinearLayer> findLinears() {
    List<LinearLayer> out = new ArrayList<>();
    for (Node n : g.topologicalOrder()) {
      if (n.is("MatMul") && constant2d(n.input(1))) {
        Node add = singleConsumer(n.output(0));
        String bias = null;
        if (add != null && add.is("Add")) {
          String other = add.input(0).equals(n.output(0)) ? add.input(1) : add.input(0);
          if (g.isInitializer(other) && rank(other) == 1) bias = other;
        }
        if (bias == null) add = null;
        out.add(
            new LinearLayer(
                n,
                add,
                n.input(0),
                add == null ? n.output(0) : add.output(0),
                n.input(1),
                bias,
                1,
                Role.OTHER));
      } else if (n.is("Gemm") && constant2d(n.input(1)) && n.intAttr("transA", 0) == 0) {
        int axis = n.intAttr("transB", 0) == 1 ? 0 : 1;
        String bias = n.inputCount() > 2 && g.isInitializer(n.input(2)) ? n.input(2) : null;
        out.add(
            new LinearLayer(n, null, n.input(0), n.output(0), n.input(1), bias, axis, Role.OTHER));
      } else if (n.is("Conv") && g.isInitializer(n.input(1)) && n.intAttr("group", 1) == 1) {
        String bias = n.inputCount() > 2 && !n.input(2).isEmpty() ? n.input(2) : null;
        out.add(new LinearLayer(n, null, n.input(0), n.output(0), n.input(1), bias, 0, Role.OTHER));
      }
    }
    return out;
  }

  private boolean constant2d(String name) {
    return g.isInitializer(name) && rank(name) == 2;
  }

  private int rank(String name) {
    return g.initializer(name).map(TensorProto::getDimsCount).orElse(-1);
  }

  // ---- attention ----

  private List<Attention> findAttentions() {
    List<Attention> out = new ArrayList<>();
    for (Node sm : g.topologicalOrder()) {
      if (!sm.is("Softmax")) continue;
      Node qk = upstreamMatMul(sm.input(0));
      Node av = null;
      for (Node c : g.consumers(sm.output(0))) {
        if (c.is("MatMul") && c.input(0).equals(sm.output(0)) && !g.isInitializer(c.input(1)))
          av = c;
      }
      if (qk != null && av != null) out.add(Attention.of(qk, sm, av, unmasked(sm.input(0))));
    }
    return out;
  }

  /**
   * The Q*K^T MatMul behind the logits, across a constant Mul/Div scale, reshapes, and the bias and
   * mask Adds (relative position bias, shifted-window mask, attention mask).
   */
  private Node upstreamMatMul(String tensor) {
    Node n = g.producer(tensor);
    for (int hops = 0; n != null && hops < 8; hops++) {
      if (n.is("MatMul") && !isConstant(n.input(1)) && !isConstant(n.input(0))) return n;
      if ((n.is("Mul") || n.is("Div")) && isConstant(n.input(1))) n = g.producer(n.input(0));
      else if (n.is("Mul") && isConstant(n.input(0))) n = g.producer(n.input(1));
      else if (n.is("Reshape") || n.is("Cast")) n = g.producer(n.input(0));
      else if (n.is("Add") && isConstant(n.input(1))) n = g.producer(n.input(0));
      else if (n.is("Add") && isConstant(n.input(0))) n = g.producer(n.input(1));
      else if (n.is("Add")) {
        Node left = upstreamMatMul(n.input(0));
        return left != null ? left : upstreamMatMul(n.input(1));
      } else return null;
    }
    return null;
  }

  /** The logits before a constant mask Add on the way to the Softmax, or the logits themselves. */
  private String unmasked(String logits) {
    String t = logits;
    for (int hops = 0; hops < 6; hops++) {
      Node n = g.producer(t);
      if (n == null) return logits;
      if (n.is("Reshape")) t = n.input(0);
      else if (n.is("Add") && isMask(n.input(1))) return n.input(0);
      else if (n.is("Add") && isMask(n.input(0))) return n.input(1);
      else if (n.is("Add") && isConstant(n.input(1))) t = n.input(0);
      else if (n.is("Add") && isConstant(n.input(0))) t = n.input(1);
      else return logits;
    }
    return logits;
  }

  /** A constant of zeros and one large negative value: it removes entries from the Softmax. */
  private boolean isMask(String name) {
    Optional<TensorProto> c = g.constant(name);
    if (c.isEmpty() || Tensors.numel(Tensors.shape(c.get())) < 2) return false;
    float low = 0;
    for (float v : Tensors.toFloats(c.get())) {
      if (v == 0) continue;
      if (v > -30 || (low != 0 && v != low)) return false;
      low = v;
    }
    return low != 0;
  }

  private boolean isConstant(String name) {
    return g.constant(name).isPresent();
  }

  /**
   * Walks back through data-movement ops and constant scales to the linear that produced a tensor.
   */
  private LinearLayer upstreamLinear(String tensor, Map<String, LinearLayer> byOutput) {
    String t = tensor;
    for (int hops = 0; hops < 12; hops++) {
      LinearLayer l = byOutput.get(t);
      if (l != null) return l;
      Node n = g.producer(t);
      if (n == null) return null;
      if (move.moves(n, move.source(n))) t = move.source(n);
      else if ((n.is("Mul") || n.is("Div")) && isConstant(n.input(1))) t = n.input(0);
      else if (n.is("Mul") && isConstant(n.input(0))) t = n.input(1);
      else return null;
    }
    return null;
  }

  /**
   * The residual Add taking a branch output plus the skip path, across data movement (window
   * reverse, the reverse cyclic shift) and a constant layer scale.
   */
  private String residualAfter(String branch) {
    String t = branch;
    for (int hops = 0; hops < 3; hops++) {
      String next = null;
      for (Node c : move.consumersAfter(t)) {
        if (c.is("Add") && !isConstant(c.input(0)) && !isConstant(c.input(1))) return c.output(0);
        if (c.is("Mul") && (isConstant(c.input(0)) || isConstant(c.input(1)))) next = c.output(0);
      }
      if (next == null) return null;
      t = next;
    }
    return null;
  }

  private Node singleConsumer(String tensor) {
    List<Node> c = g.consumers(tensor);
    return c.size() == 1 ? c.get(0) : null;
  }

  // ---- LayerNorm ----

  private List<LayerNormPattern> findLayerNorms() {
    List<LayerNormPattern> out = new ArrayList<>();
    for (Node n : g.topologicalOrder()) {
      if (n.is("LayerNormalization")) {
        out.add(
            new LayerNormPattern(
                List.of(n),
                n.input(0),
                n.output(0),
                n.input(1),
                n.inputCount() > 2 && !n.input(2).isEmpty() ? n.input(2) : null,
                n.floatAttr("epsilon", 1e-5f)));
      } else if (n.is("ReduceMean")) {
        decomposedLayerNorm(n).ifPresent(out::add);
      }
    }
    return out;
  }

  /**
   * ReduceMean(x) -> Sub(x, mean) -> Pow(2)|Mul(d,d) -> ReduceMean -> Add(eps) -> Sqrt -> Div ->
   * Mul(g) -> Add(b).
   */
  private Optional<LayerNormPattern> decomposedLayerNorm(Node mean) {
    String x = mean.input(0);
    Node sub = null;
    for (Node c : g.consumers(mean.output(0))) if (c.is("Sub") && c.input(0).equals(x)) sub = c;
    if (sub == null) return Optional.empty();
    String d = sub.output(0);
    Node sq = null;
    Node div = null;
    for (Node c : g.consumers(d)) {
      if (c.is("Pow") || (c.is("Mul") && c.input(0).equals(d) && c.input(1).equals(d))) sq = c;
      if (c.is("Div") && c.input(0).equals(d)) div = c;
      if (c.is("Mul") && !(c.input(0).equals(d) && c.input(1).equals(d)))
        div = c; // Reciprocal+Mul form
    }
    if (sq == null || div == null) return Optional.empty();
    Node var = singleConsumer(sq.output(0));
    if (var == null || !var.is("ReduceMean")) return Optional.empty();
    Node addEps = singleConsumer(var.output(0));
    if (addEps == null || !addEps.is("Add")) return Optional.empty();
    float eps = g.scalar(addEps.input(1)).or(() -> g.scalar(addEps.input(0))).orElse(1e-5f);
    Node sqrt = singleConsumer(addEps.output(0));
    if (sqrt == null || !sqrt.is("Sqrt")) return Optional.empty();
    List<Node> nodes = new ArrayList<>(List.of(mean, sub, sq, var, addEps, sqrt));
    Node recip = singleConsumer(sqrt.output(0));
    if (recip != null && recip.is("Reciprocal")) nodes.add(recip);
    nodes.add(div);
    Node mulG = singleConsumer(div.output(0));
    String gamma = null;
    String beta = null;
    String out = div.output(0);
    if (mulG != null && mulG.is("Mul")) {
      gamma = otherInput(mulG, div.output(0));
      if (gamma != null && g.isInitializer(gamma)) {
        nodes.add(mulG);
        out = mulG.output(0);
        Node addB = singleConsumer(out);
        if (addB != null && addB.is("Add")) {
          beta = otherInput(addB, out);
          if (beta != null && g.isInitializer(beta)) {
            nodes.add(addB);
            out = addB.output(0);
          } else beta = null;
        }
      } else gamma = null;
    }
    return Optional.of(new LayerNormPattern(List.copyOf(nodes), x, out, gamma, beta, eps));
  }

  private static String otherInput(Node n, String known) {
    if (n.inputCount() != 2) return null;
    return n.input(0).equals(known) ? n.input(1) : n.input(1).equals(known) ? n.input(0) : null;
  }

  // ---- GELU ----

  private List<GeluPattern> findGelus() {
    List<GeluPattern> out = new ArrayList<>();
    for (Node n : g.topologicalOrder()) {
      if (n.opType().equals("Gelu") || n.opType().equals("FastGelu")) {
        out.add(new GeluPattern(List.of(n), n.input(0), n.output(0), "op"));
      } else if (n.is("Erf")) {
        Node pre = g.producer(n.input(0));
        if (pre == null || !(pre.is("Div") || pre.is("Mul")) || !isConstant(pre.input(1))) continue;
        geluTail(pre.input(0), n, List.of(pre, n), "erf").ifPresent(out::add);
      } else if (n.is("Sigmoid")) {
        sigmoidGelu(n).ifPresent(out::add);
      } else if (n.is("Tanh")) {
        tanhGeluHead(n).ifPresent(h -> geluTail(h.x(), n, h.nodes(), "tanh").ifPresent(out::add));
      }
    }
    return out;
  }

  /** The sigmoid approximation x * sigmoid(1.702 x). */
  private Optional<GeluPattern> sigmoidGelu(Node sigmoid) {
    Node scale = g.producer(sigmoid.input(0));
    if (scale == null || !scale.is("Mul")) return Optional.empty();
    int c = isConstant(scale.input(1)) ? 1 : isConstant(scale.input(0)) ? 0 : -1;
    if (c < 0 || Math.abs(g.scalar(scale.input(c)).orElse(0f) - 1.702f) > 1e-3f)
      return Optional.empty();
    String x = scale.input(1 - c);
    Node mul = singleConsumer(sigmoid.output(0));
    if (mul == null || !mul.is("Mul") || !x.equals(otherInput(mul, sigmoid.output(0))))
      return Optional.empty();
    return Optional.of(new GeluPattern(List.of(scale, sigmoid, mul), x, mul.output(0), "sigmoid"));
  }

  private record GeluHead(String x, List<Node> nodes) {}

  /** The chain before Tanh: x^3 (Mul or Pow), Mul(0.044715), Add(x, .), Mul(sqrt(2/pi)). */
  private Optional<GeluHead> tanhGeluHead(Node tanh) {
    Node scale = g.producer(tanh.input(0));
    if (scale == null || !scale.is("Mul")) return Optional.empty();
    Node add = g.producer(isConstant(scale.input(1)) ? scale.input(0) : scale.input(1));
    if (add == null || !add.is("Add")) return Optional.empty();
    for (int i = 0; i < 2; i++) {
      Node cubic = g.producer(add.input(1 - i));
      if (cubic != null && cubic.is("Mul")) {
        List<Node> nodes = new ArrayList<>(ancestorsUntil(cubic, add.input(i)));
        nodes.addAll(List.of(add, scale, tanh));
        return Optional.of(new GeluHead(add.input(i), nodes));
      }
    }
    return Optional.empty();
  }

  private List<Node> ancestorsUntil(Node start, String stop) {
    List<Node> out = new ArrayList<>();
    ArrayDeque<Node> todo = new ArrayDeque<>(List.of(start));
    Set<Node> seen = new HashSet<>();
    while (!todo.isEmpty() && out.size() < 6) {
      Node n = todo.poll();
      if (!seen.add(n)) continue;
      out.add(0, n);
      for (String in : n.inputs()) {
        Node p = g.producer(in);
        if (!in.equals(stop) && p != null && (p.is("Mul") || p.is("Pow"))) todo.add(p);
      }
    }
    return out;
  }

  /** From Erf/Tanh: Add(1), then the two Muls by x and 0.5 in any order. */
  private Optional<GeluPattern> geluTail(String x, Node core, List<Node> head, String form) {
    Node add1 = singleConsumer(core.output(0));
    if (add1 == null || !add1.is("Add")) return Optional.empty();
    List<Node> nodes = new ArrayList<>(head);
    nodes.add(add1);
    Node m1 = singleConsumer(add1.output(0));
    if (m1 == null || !m1.is("Mul")) return Optional.empty();
    nodes.add(m1);
    String other = otherInput(m1, add1.output(0));
    if (other == null) return Optional.empty();
    if (other.equals(x) || isConstant(other)) {
      Node m2 = singleConsumer(m1.output(0));
      if (m2 == null || !m2.is("Mul")) return Optional.empty();
      nodes.add(m2);
      return Optional.of(new GeluPattern(List.copyOf(nodes), x, m2.output(0), form));
    }
    Node half = g.producer(other);
    if (half != null && half.is("Mul") && (half.input(0).equals(x) || half.input(1).equals(x))) {
      nodes.add(0, half);
      return Optional.of(new GeluPattern(List.copyOf(nodes), x, m1.output(0), form));
    }
    return Optional.empty();
  }

  /** Shape of an initializer, for reports. */
  public static int[] shapeOf(Graph g, String name) {
    return g.initializer(name).map(Tensors::shape).orElse(new int[0]);
  }
}
