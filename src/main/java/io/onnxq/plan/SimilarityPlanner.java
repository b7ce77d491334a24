package io.onnxq.plan;

import io.onnxq.OnnxqException;
import io.onnxq.calib.ActivationCapture;
import io.onnxq.calib.ActivationCapture.Captured;
import io.onnxq.calib.search.AttentionSimilaritySearch;
import io.onnxq.calib.search.LinearSearch;
import io.onnxq.calib.search.Mat;
import io.onnxq.calib.search.Pearson;
import io.onnxq.calib.search.RankingLoss;
import io.onnxq.calib.search.SimilarityGrid;
import io.onnxq.calib.search.SimilaritySearch;
import io.onnxq.model.Graph;
import io.onnxq.model.Node;
import io.onnxq.model.Tensors;
import io.onnxq.pattern.Attention;
import io.onnxq.pattern.LinearLayer;
import io.onnxq.pattern.TransformerBlock;
import io.onnxq.pattern.VitStructure;
import io.onnxq.plan.ActivationQuant.Uniform;
import io.onnxq.quant.QuantParams;
import io.onnxq.recipe.PtqVit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Liu et al. 2021 parameter selection ({@link PtqVit}). One capture pass keeps, per calibration
 * image, {@link #ROWS_PER_SAMPLE} evenly spaced token rows of every linear input (the per-sample
 * Pearson is taken over those rows, an estimate of the whole-output correlation) and the attention
 * operands of the first {@link #ATTENTION_IMAGES} images whole. Every layer is searched on FP32
 * inputs (parallel calibration; the paper does not say which, and PTQ4ViT found parallel more
 * robust on small calibration sets).
 *
 * <p>Choices where the paper is silent: the head is quantized like every linear (its per-sample
 * output is the logit vector); linears sharing an input (separate q, k, v) take the input grid of
 * the first one's search and search only their weight scale; the patch embedding's image input is
 * 8-bit MinMax and its weight scale maximises the Pearson correlation of the weight with itself
 * quantized (its input rows are image patches, which the row captures do not hold); Q*K^T scores
 * for the ranking loss are in units before the 1/sqrt(d) scale.
 */
public final class SimilarityPlanner implements Planner {
  /** Token rows kept per calibration image and linear input. */
  static final int ROWS_PER_SAMPLE = 16;

  /** Images whose attention operands are kept whole, and query rows sampled per head. */
  static final int ATTENTION_IMAGES = 4;

  static final int QUERY_ROWS = 32;

  /** Pairs per score row for the ranking loss. */
  static final int RANK_PAIRS = 64;

  private final PtqVit recipe;
  private final SimilaritySearch.Config cfg;

  public SimilarityPlanner(PtqVit recipe) {
    this(recipe, SimilaritySearch.Config.DEFAULT);
  }

  SimilarityPlanner(PtqVit recipe, SimilaritySearch.Config cfg) {
    this.recipe = recipe;
    this.cfg = cfg;
  }

  @Override
  public QuantPlan plan(PlanInput in) {
    VitStructure s = in.structure();
    in.progress()
        .info(
            String.format(
                Locale.ROOT,
                "found %d blocks; similarity-aware search W%dA%d (%s grid%s) on %d samples",
                s.blocks().size(),
                recipe.wBits(),
                recipe.aBits(),
                gridName(),
                recipe.ranking() ? ", ranking" : "",
                in.calib().size()));
    List<String> rowTaps = new ArrayList<>();
    List<String> wholeTaps = new ArrayList<>();
    for (LinearLayer l : s.linears()) if (!in.keptFloat(l)) rowTaps.add(l.input());
    for (Attention a : s.attentions())
      wholeTaps.addAll(List.of(a.qInput(), a.kInput(), a.probs(), a.vInput()));
    Map<String, Captured> cap =
        ActivationCapture.run(
            in.fp32(),
            rowTaps,
            wholeTaps,
            in.calib(),
            in.batchSize(),
            ActivationCapture.Rows.perSample(ROWS_PER_SAMPLE),
            ATTENTION_IMAGES,
            in.progress());
    QuantPlan.Builder plan = new QuantPlan.Builder("similarity");
    Map<String, QuantParams> inputGrids = new HashMap<>();
    List<LinearLayer> linears = s.linears();
    for (int i = 0; i < linears.size(); i++) {
      LinearLayer l = linears.get(i);
      if (!in.keptFloat(l)) {
        if (l.node().is("Conv")) patchEmbed(in, plan, l, cap.get(l.input()));
        else linear(in, plan, l, cap.get(l.input()), inputGrids);
      }
      in.progress().step("searching (similarity)", i + 1, linears.size());
    }
    for (TransformerBlock b : s.blocks()) {
      if (b.attention() == null) continue;
      int bits = Placement.attentionBits(s, b.attention(), in).orElse(recipe.aBits());
      if (!b.qkv().isEmpty() && in.keptFloat(b.qkv().get(0))) continue;
      attention(in.graph(), plan, b.attention(), cap, bits);
    }
    if (recipe.biasCorrection()) BiasCorrection.apply(in, plan);
    return plan.build();
  }

  private void linear(
      PlanInput in,
      QuantPlan.Builder plan,
      LinearLayer l,
      Captured x,
      Map<String, QuantParams> inputGrids) {
    int wBits = in.ownBits(l).orElse(recipe.wBits());
    int aBits = in.ownBits(l).orElse(recipe.aBits());
    Graph g = in.graph();
    float[] w = plan.current(g, l.weight());
    int n = x.lastDim();
    int out = w.length / n;
    boolean transposed = l.outAxis() == 0; // Gemm transB: stored [out, in]
    float[] wio = transposed ? Mat.transpose(w, out, n) : w;
    int samples = in.calib().size();
    if (x.rows() % samples != 0)
      throw new OnnxqException(
          "captured " + x.rows() + " rows of '" + l.input() + "' for " + samples + " samples");
    SimilarityGrid grid = recipe.grid();
    QuantParams shared = inputGrids.get(l.input());
    if (shared != null && shared.range().levels() != (1 << aBits)) shared = null;
    SimilaritySearch.Result r =
        SimilaritySearch.linear(
            x.data(),
            x.rows(),
            samples,
            wio,
            n,
            out,
            grid.weightBase(wio, n, out, wBits),
            grid.inputBase(x.data(), aBits),
            shared,
            cfg);
    QuantParams wp = onAxis(r.weight(), out, l.outAxis());
    String role = WeightPlanning.role(l);
    plan.weight(
        WeightPlanning.searched(
            g, plan, l.weight(), role, wp, wBits, chosenBy(r.similarity(), r.rounds())));
    if (shared == null) {
      inputGrids.put(l.input(), r.input());
      plan.activation(
          l.input(),
          role + ".input",
          Uniform.perTensor(r.input(), aBits),
          false,
          chosenBy(r.similarity(), r.rounds()));
    }
  }

  /** Image input 8-bit MinMax; weight scale by the weight's own Pearson correlation. */
  private void patchEmbed(PlanInput in, QuantPlan.Builder plan, LinearLayer l, Captured x) {
    int wBits = in.ownBits(l).orElse(recipe.wBits());
    int aBits = in.ownBits(l).orElse(8);
    Graph g = in.graph();
    float[] w = plan.current(g, l.weight());
    int[] shape = Tensors.shape(g.initializer(l.weight()).orElseThrow());
    int out = shape[0];
    int per = w.length / out;
    // Columns of [per, out] so the grid's per-column base is per output channel.
    float[] wio = Mat.transpose(w, out, per);
    QuantParams base = recipe.grid().weightBase(wio, per, out, wBits);
    double best = Double.NEGATIVE_INFINITY;
    QuantParams chosen = base;
    for (int c = 0; c < cfg.candidates(); c++) {
      QuantParams p = SimilarityGrid.scaled(base, cfg.alpha(c));
      double sim = Pearson.of(wio, LinearSearch.dequantize(wio, per, out, p));
      if (sim > best) {
        best = sim;
        chosen = p;
      }
    }
    chosen = onAxis(chosen, out, 0);
    plan.weight(
        WeightPlanning.searched(
            g,
            plan,
            l.weight(),
            "patch_embed",
            chosen,
            wBits,
            String.format(Locale.ROOT, "similarity to itself (%.5f)", best)));
    plan.activation(
        l.input(),
        "patch_embed.input",
        Uniform.perTensor(recipe.grid().inputBase(x.data(), aBits), aBits),
        false,
        "max-based (" + gridName() + " grid)");
  }

  /**
   * Weight params along the stored output axis; a per-tensor grid (the paper's) is written as the
   * same scale on every channel, which dequantizes identically.
   */
  private static QuantParams onAxis(QuantParams p, int channels, int axis) {
    if (p.isPerChannel()) return QuantParams.perChannel(p.scale(), p.zeroPoint(), axis, p.range());
    float[] s = new float[channels];
    int[] z = new int[channels];
    Arrays.fill(s, p.scale(0));
    Arrays.fill(z, p.zeroPoint(0));
    return QuantParams.perChannel(s, z, axis, p.range());
  }

  private void attention(
      Graph g, QuantPlan.Builder plan, Attention a, Map<String, Captured> cap, int bits) {
    Captured q = cap.get(a.qInput());
    Captured kt = cap.get(a.kInput());
    Captured p = cap.get(a.probs());
    Captured v = cap.get(a.vInput());
    AttentionDims dims = AttentionDims.require("--similarity", q, kt, v);
    int images = dims.images();
    int heads = dims.heads();
    int tokens = dims.tokens();
    int d = dims.d();
    int rows = Math.min(QUERY_ROWS, tokens);
    int segments = dims.segments();
    SimilarityGrid grid = recipe.grid();
    float[] qs = Mat.sampleSegmentRows(q.data(), segments, tokens, d, rows);
    RankingLoss ranking = recipe.ranking() ? new RankingLoss(tokens, RANK_PAIRS, 17) : null;
    AttentionSimilaritySearch.Result qk =
        AttentionSimilaritySearch.search(
            qs,
            kt.data(),
            new AttentionSimilaritySearch.Shape(images, heads, rows, d, tokens),
            grid.inputBase(q.data(), bits),
            grid.inputBase(kt.data(), bits),
            ranking,
            scaledBeforeMatMul(g, a) ? Math.sqrt(d) : 1.0,
            cfg);
    String how =
        ranking != null
            ? String.format(
                Locale.ROOT,
                "ranking (pearson %.5f, rank loss %.5f)",
                qk.similarity(),
                qk.ranking())
            : String.format(Locale.ROOT, "similarity (%.5f)", qk.similarity());
    plan.activation(a.qInput(), "attn.q", Uniform.perTensor(qk.a(), bits), false, how);
    plan.activation(a.kInput(), "attn.k", Uniform.perTensor(qk.b(), bits), false, how);
    AttentionSimilaritySearch.Result av =
        AttentionSimilaritySearch.search(
            Mat.sampleSegmentRows(p.data(), segments, tokens, tokens, rows),
            v.data(),
            new AttentionSimilaritySearch.Shape(images, heads, rows, tokens, d),
            grid.inputBase(p.data(), bits),
            grid.inputBase(v.data(), bits),
            null,
            1.0,
            cfg);
    String avHow = String.format(Locale.ROOT, "similarity (%.5f)", av.similarity());
    plan.activation(a.probs(), "attn.probs", Uniform.perTensor(av.a(), bits), false, avHow);
    plan.activation(a.vInput(), "attn.v", Uniform.perTensor(av.b(), bits), false, avHow);
  }

  /**
   * Whether the exporter scales q (or k) before Q*K^T: then nothing scales the MatMul's output
   * before the Softmax, and its scores are A / sqrt(d).
   */
  static boolean scaledBeforeMatMul(Graph g, Attention a) {
    for (Node n : g.consumers(a.qk().output(0))) if (n.is("Mul") || n.is("Div")) return false;
    return true;
  }

  private String gridName() {
    return recipe.grid().name().toLowerCase(Locale.ROOT);
  }

  private String chosenBy(double similarity, int rounds) {
    return String.format(
        Locale.ROOT, "similarity, %s grid (%.5f, %d rounds)", gridName(), similarity, rounds);
  }
}
