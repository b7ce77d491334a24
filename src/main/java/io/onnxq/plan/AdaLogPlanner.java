package io.onnxq.plan;

import io.onnxq.OnnxqException;
import io.onnxq.calib.ActivationCapture;
import io.onnxq.calib.ActivationCapture.Captured;
import io.onnxq.calib.search.AdaLogChoice;
import io.onnxq.calib.search.AttentionSearch;
import io.onnxq.calib.search.GptqRounding;
import io.onnxq.calib.search.LinearChoice;
import io.onnxq.calib.search.LinearSearch;
import io.onnxq.calib.search.Mat;
import io.onnxq.calib.search.UniformChoice;
import io.onnxq.calib.search.UniformFpcs;
import io.onnxq.model.Graph;
import io.onnxq.model.Tensors;
import io.onnxq.pattern.Attention;
import io.onnxq.pattern.LayerNormPattern;
import io.onnxq.pattern.LinearLayer;
import io.onnxq.pattern.PatchMerging;
import io.onnxq.pattern.TransformerBlock;
import io.onnxq.pattern.VitStructure;
import io.onnxq.plan.ActivationQuant.Log;
import io.onnxq.plan.ActivationQuant.Uniform;
import io.onnxq.quant.AdaLogQuantizer;
import io.onnxq.quant.ChannelReparam;
import io.onnxq.quant.IntRange;
import io.onnxq.quant.QkBalance;
import io.onnxq.quant.QuantParams;
import io.onnxq.quant.UniformQuantizer;
import io.onnxq.recipe.AdaLog;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * AdaLog parameter selection. One capture pass keeps FP32 layer inputs ("parallel" calibration:
 * every layer is searched on FP32 inputs, which PTQ4ViT found more robust on small calibration sets
 * than feeding quantized outputs forward; block-sequential captures were tried here too and did not
 * help DeiT-Tiny W4A4, see README). Then, per block: RepQ-ViT reparameterization of the
 * post-LayerNorm inputs of qkv and fc1; FPCS for each linear (weights per output channel, input per
 * tensor; AdaLog with the GELU shift for fc2's input); per-head q/k for Q*K^T; AdaLog for the
 * probabilities and per-head V for attn*V. Loss = layer-output MSE against FP32.
 *
 * <p>Opt-in refinements ({@link io.onnxq.recipe.Refinements}): q/k balance before the qkv search;
 * after each linear search, GPTQ rounding on the searched grid, then bias correction against the
 * final quantized weights (and, for fc2, before the GELU-shift fold, which uses the same weights).
 *
 * <p>The captures are the planner's own: reparameterization and q/k balance replace a captured
 * tensor by a transformed copy in this run's working map, so later searches see the new model.
 */
public final class AdaLogPlanner implements Planner {
  /** Token rows kept per linear input (the searches sub-sample further). */
  static final int MAX_ROWS = 4096;

  /** Images whose attention tensors are kept whole, and the query rows sampled from each. */
  static final int ATTENTION_IMAGES = 4;

  static final int QUERY_ROWS = 64;

  private final AdaLog o;

  public AdaLogPlanner(AdaLog recipe) {
    this.o = recipe;
  }

  /** One run's working state: the graph it reads, its captures, the plan it fills. */
  private record Run(
      Graph g,
      Map<String, Captured> cap,
      QuantPlan.Builder t,
      PlanInput in,
      List<PendingWeight> weights) {}

  /**
   * A searched weight grid; the codes are taken once every replacement of the weight is planned.
   */
  private record PendingWeight(String initializer, String role, QuantParams params, int bits) {}

  @Override
  public QuantPlan plan(PlanInput in) {
    VitStructure s = in.structure();
    in.progress()
        .info(
            String.format(
                "found %d blocks; AdaLog W%dA%d search on %d samples",
                s.blocks().size(), o.wBits(), o.aBits(), in.calib().size()));
    List<String> rowTaps = new ArrayList<>();
    List<String> wholeTaps = new ArrayList<>();
    for (LinearLayer l : s.linears()) rowTaps.add(l.input());
    for (Attention a : s.attentions())
      wholeTaps.addAll(List.of(a.qInput(), a.kInput(), a.probs(), a.vInput()));
    Map<String, Captured> cap =
        new HashMap<>(
            ActivationCapture.run(
                in.fp32(),
                rowTaps,
                wholeTaps,
                in.calib(),
                in.batchSize(),
                MAX_ROWS,
                ATTENTION_IMAGES,
                in.progress()));
    Run r = new Run(in.graph(), cap, new QuantPlan.Builder("fpcs"), in, new ArrayList<>());
    List<TransformerBlock> blocks = s.blocks();
    for (int i = 0; i < blocks.size(); i++) {
      searchBlock(r, blocks.get(i));
      in.progress().step("searching (FPCS)", i + 1, blocks.size());
    }
    for (PatchMerging m : s.merges()) {
      reparam(r, m.norm(), List.of(m.reduction()));
      searchLinear(r, m.reduction(), false);
    }
    for (LinearLayer l : s.linears(LinearLayer.Role.PATCH_EMBED)) patchEmbed(r, l);
    for (LinearLayer l : s.linears(LinearLayer.Role.HEAD)) searchLinear(r, l, false);
    for (PendingWeight w : r.weights()) {
      r.t()
          .weight(
              WeightPlanning.searched(
                  r.g(), r.t(), w.initializer(), w.role(), w.params(), w.bits()));
    }
    return r.t().build();
  }

  private void searchBlock(Run r, TransformerBlock b) {
    if (!b.complete()) {
      throw new OnnxqException(
          "AdaLog needs complete blocks; block " + b.index() + " has " + b.missing());
    }
    reparam(r, b.norm1(), b.qkv());
    if (b.qkv().size() == 1 && o.refinements().qkBalance())
      balanceQk(r, b.qkv().get(0), b.attention());
    for (LinearLayer l : b.qkv()) searchLinear(r, l, false);
    // The attention operands take the MSA module's width (an override on qkv sets it).
    searchAttention(
        r,
        b.attention(),
        Placement.attentionBits(r.in().structure(), b.attention(), r.in()).orElse(o.aBits()));
    searchLinear(r, b.proj(), false);
    reparam(r, b.norm2(), List.of(b.fc1()));
    searchLinear(r, b.fc1(), false);
    searchLinear(r, b.fc2(), true);
  }

  /**
   * RepQ-ViT: fold per-channel ranges of the LayerNorm output into the LayerNorm affine and the
   * next weight, and transform the captured rows the same way, so the search sees the new model.
   */
  private void reparam(Run run, LayerNormPattern ln, List<LinearLayer> next) {
    // Only MatMul weights ([in, out]) with a bias to absorb the shift, behind a LayerNorm with its
    // own affine initializers (Swin's bias-free PatchMerging reduction keeps its LayerNorm as is).
    if (ln.gamma() == null || ln.beta() == null) return;
    for (LinearLayer l : next) {
      if (l.outAxis() != 1 || l.bias() == null || !l.input().equals(next.get(0).input())) return;
    }
    Graph g = run.g();
    QuantPlan.Builder t = run.t();
    Captured x = run.cap().get(next.get(0).input()).copy();
    int c = x.lastDim();
    ChannelReparam r = ChannelReparam.fromRows(x.data(), x.rows(), c, IntRange.uint(o.aBits()));
    r.applyToRows(x.data(), x.rows(), c);
    run.cap().put(next.get(0).input(), x);
    t.replace(ln.gamma(), r.gamma(t.current(g, ln.gamma())));
    t.replace(ln.beta(), r.beta(t.current(g, ln.beta())));
    for (LinearLayer l : next) {
      float[] w = t.current(g, l.weight());
      int out = w.length / c;
      float[] w2 = r.weight(w, c, out);
      t.replace(l.weight(), w2);
      t.replace(l.bias(), r.bias(t.current(g, l.bias()), w2, c, out));
    }
  }

  /**
   * Rebalances q and k per channel ({@link QkBalance}, folded into the qkv weight and bias) when
   * the qkv output is laid out [q | k | v] with channel = head * headDim + j: checked on the first
   * captured token, whose qkv output must be proportional to its captured q and k (a q scale may
   * sit between them). Other layouts are left alone.
   */
  private void balanceQk(Run run, LinearLayer qkv, Attention a) {
    if (qkv.outAxis() != 1 || qkv.bias() == null) return;
    Graph g = run.g();
    QuantPlan.Builder t = run.t();
    Captured x = run.cap().get(qkv.input());
    Captured q = run.cap().get(a.qInput());
    Captured kt = run.cap().get(a.kInput());
    int heads = (int) q.shape()[1];
    int tokens = (int) q.shape()[2];
    int d = (int) q.shape()[3];
    int dim = heads * d;
    int in = x.lastDim();
    float[] w = t.current(g, qkv.weight());
    float[] bias = t.current(g, qkv.bias());
    if (w.length != in * 3 * dim) return;
    float[] y = Mat.matmul(Arrays.copyOf(x.data(), in), 1, in, w, 3 * dim);
    float[] qTok = new float[dim];
    float[] kTok = new float[dim];
    for (int c = 0; c < dim; c++) {
      y[c] += bias[c];
      y[dim + c] += bias[dim + c];
      qTok[c] = q.data()[(c / d) * tokens * d + c % d];
      kTok[c] = kt.data()[c * tokens];
    }
    if (!proportional(qTok, y, 0) || !proportional(kTok, y, dim)) {
      run.in()
          .progress()
          .info(
              "q/k balance skipped for "
                  + qkv.name()
                  + ": its output is not laid out [q | k | v] by head");
      return;
    }
    float[] qMax = new float[dim];
    float[] kMax = new float[dim];
    int segments = q.data().length / (tokens * d);
    for (int sg = 0; sg < segments; sg++) {
      int c0 = (sg % heads) * d;
      for (int tk = 0; tk < tokens; tk++) {
        for (int j = 0; j < d; j++) {
          qMax[c0 + j] = Math.max(qMax[c0 + j], Math.abs(q.data()[(sg * tokens + tk) * d + j]));
          kMax[c0 + j] = Math.max(kMax[c0 + j], Math.abs(kt.data()[(sg * d + j) * tokens + tk]));
        }
      }
    }
    QkBalance balance = QkBalance.fromRanges(qMax, kMax);
    t.replace(qkv.weight(), balance.apply(w, in));
    t.replace(qkv.bias(), balance.apply(bias, 1));
    t.rescaled(qkv.output());
    float[] r = balance.r();
    q = q.copy();
    kt = kt.copy();
    run.cap().put(a.qInput(), q);
    run.cap().put(a.kInput(), kt);
    for (int sg = 0; sg < segments; sg++) {
      int c0 = (sg % heads) * d;
      for (int tk = 0; tk < tokens; tk++) {
        for (int j = 0; j < d; j++) {
          q.data()[(sg * tokens + tk) * d + j] *= r[c0 + j];
          kt.data()[(sg * d + j) * tokens + tk] /= r[c0 + j];
        }
      }
    }
  }

  /**
   * Whether a equals lambda * y[off .. off + a.length) for some lambda != 0, up to float rounding.
   */
  private static boolean proportional(float[] a, float[] y, int off) {
    double ay = 0;
    double yy = 0;
    double aa = 0;
    for (int i = 0; i < a.length; i++) {
      ay += (double) a[i] * y[off + i];
      yy += (double) y[off + i] * y[off + i];
      aa += (double) a[i] * a[i];
    }
    if (yy == 0 || aa == 0) return false;
    double lambda = ay / yy;
    double res = 0;
    for (int i = 0; i < a.length; i++) {
      double e = a[i] - lambda * y[off + i];
      res += e * e;
    }
    return res <= 1e-6 * aa;
  }

  private void searchLinear(Run run, LinearLayer l, boolean geluInput) {
    if (run.in().keptFloat(l)) return;
    int wBits = run.in().ownBits(l).orElse(o.wBits());
    int aBits = run.in().ownBits(l).orElse(o.aBits());
    Graph g = run.g();
    QuantPlan.Builder t = run.t();
    Captured x = run.cap().get(l.input());
    float[] w = t.current(g, l.weight());
    int in = x.lastDim();
    int out = w.length / in;
    boolean transposed = l.outAxis() == 0; // Gemm transB: stored [out, in]
    float[] wio = transposed ? Mat.transpose(w, out, in) : w;
    LinearChoice c =
        LinearSearch.search(
            x.data(),
            x.rows(),
            wio,
            in,
            out,
            wBits,
            aBits,
            geluInput ? LinearSearch.ActKind.ADALOG_GELU : LinearSearch.ActKind.UNIFORM);
    QuantParams wp = c.weight();
    float[] wHat = LinearSearch.dequantize(wio, in, out, wp);
    if (o.refinements().gptq()) {
      wHat = GptqRounding.round(x.data(), x.rows(), c.activation(), wio, in, out, wp);
      t.replace(l.weight(), transposed ? Mat.transpose(wHat, in, out) : wHat);
    }
    if (o.refinements().biasCorrection() && l.bias() != null) {
      float[] err =
          LinearSearch.meanOutputError(
              x.data(), x.rows(), wio, wHat, in, out, c.activation(), MAX_ROWS);
      t.replace(l.bias(), BiasCorrection.subtract(t.current(g, l.bias()), err));
    }
    run.weights()
        .add(
            new PendingWeight(
                l.weight(),
                WeightPlanning.role(l),
                QuantParams.perChannel(wp.scale(), wp.zeroPoint(), l.outAxis(), wp.range()),
                wBits));
    String role = WeightPlanning.role(l) + ".input";
    if (c.activation() instanceof AdaLogChoice a) {
      AdaLogQuantizer q = a.quantizer();
      t.activation(l.input(), role + " (adalog)", new Log(q), false);
      // fc2 consumes the non-negative code value directly; -h moves into the bias with W_q.
      if (l.bias() == null)
        throw new OnnxqException("fc2 '" + l.name() + "' has no bias to fold the GELU shift into");
      t.replace(
          l.bias(),
          AdaLogQuantizer.foldShiftIntoBias(t.current(g, l.bias()), wHat, in, out, q.shift()));
    } else {
      UniformChoice u = (UniformChoice) c.activation();
      t.activation(l.input(), role, Uniform.perTensor(u.params(-1), aBits), false);
    }
  }

  private void searchAttention(Run run, Attention a, int bits) {
    Map<String, Captured> cap = run.cap();
    QuantPlan.Builder t = run.t();
    Captured q = cap.get(a.qInput());
    Captured kt = cap.get(a.kInput());
    Captured p = cap.get(a.probs());
    Captured v = cap.get(a.vInput());
    AttentionDims dims = AttentionDims.require("AdaLog", q, kt);
    int heads = dims.heads();
    int tokens = dims.tokens();
    int d = dims.d();
    int segments = dims.segments();
    // The K operand arrives transposed ([.., d, tokens]); the search wants rows of keys.
    float[] k = new float[kt.data().length];
    for (int sg = 0; sg < segments; sg++) {
      float[] tr =
          Mat.transpose(
              Arrays.copyOfRange(kt.data(), sg * d * tokens, (sg + 1) * d * tokens), d, tokens);
      System.arraycopy(tr, 0, k, sg * tokens * d, tokens * d);
    }
    int rows = Math.min(QUERY_ROWS, tokens);
    AttentionSearch.QkChoice qk =
        AttentionSearch.searchQk(
            Mat.sampleSegmentRows(q.data(), segments, tokens, d, rows),
            k,
            segments,
            heads,
            rows,
            tokens,
            d,
            bits,
            AttentionSearch.DEFAULT_ROUNDS);
    perHead(t, a.qInput(), "attn.q", qk.q(), bits);
    perHead(t, a.kInput(), "attn.k", qk.k(), bits);
    AttentionSearch.AvChoice av =
        AttentionSearch.searchAv(
            Mat.sampleSegmentRows(p.data(), segments, tokens, tokens, rows),
            v.data(),
            segments,
            heads,
            rows,
            tokens,
            d,
            bits,
            bits,
            AttentionSearch.DEFAULT_ROUNDS);
    t.activation(a.probs(), "attn.probs (adalog)", new Log(av.probs().quantizer()), false);
    perHead(t, a.vInput(), "attn.v", av.v(), bits);
  }

  private void perHead(QuantPlan.Builder t, String tensor, String role, UniformChoice c, int bits) {
    t.activation(tensor, role + " (per head)", new Uniform(c.params(1), bits, 4), false);
  }

  /** Patch embedding: weights per output channel by FPCS on their own MSE, image input 8-bit. */
  private void patchEmbed(Run run, LinearLayer l) {
    if (run.in().keptFloat(l)) return;
    int wBits = run.in().ownBits(l).orElse(o.wBits());
    int aBits = run.in().ownBits(l).orElse(8); // the image stays 8-bit by default
    Graph g = run.g();
    QuantPlan.Builder t = run.t();
    Captured x = run.cap().get(l.input());
    float[] w = t.current(g, l.weight());
    int out = Tensors.shape(g.initializer(l.weight()).orElseThrow())[0];
    int per = w.length / out;
    float[] s = new float[out];
    int[] z = new int[out];
    for (int c = 0; c < out; c++) {
      UniformFpcs.Candidate cand =
          UniformFpcs.search(Arrays.copyOfRange(w, c * per, (c + 1) * per), wBits);
      s[c] = cand.s();
      z[c] = cand.z();
    }
    IntRange wr = IntRange.uint(wBits);
    run.weights()
        .add(
            new PendingWeight(
                l.weight(), "patch_embed", QuantParams.perChannel(s, z, 0, wr), wBits));
    float min = 0;
    float max = 0;
    for (float v : x.data()) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    t.activation(
        l.input(),
        "patch_embed.input",
        Uniform.perTensor(UniformQuantizer.asymmetric(min, max, IntRange.uint(aBits)), aBits),
        false);
  }
}
