package io.onnxq.plan;

import io.onnxq.OnnxqException;
import io.onnxq.calib.ActivationCapture;
import io.onnxq.calib.ActivationCapture.Captured;
import io.onnxq.calib.search.AttentionSimilaritySearch;
import io.onnxq.calib.search.Mat;
import io.onnxq.calib.search.NuclearNorm;
import io.onnxq.calib.search.SimilarityGrid;
import io.onnxq.model.Graph;
import io.onnxq.model.Tensors;
import io.onnxq.pattern.Attention;
import io.onnxq.pattern.LinearLayer;
import io.onnxq.pattern.TransformerBlock;
import io.onnxq.proto.Onnx.TensorProto;
import io.onnxq.quant.QuantParams;
import io.onnxq.quant.UniformQuantizer;
import io.onnxq.recipe.LayerOverrides;
import io.onnxq.recipe.SizeBudget;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Mixed precision after Liu et al. 2021: every block's MSA module (qkv and proj, and the attention
 * operands) and MLP module (fc1 and fc2) gets one width for its weights and inputs. The sensitivity
 * of a module at width b is Omega = ||Y||_* x ||Y_hat(b) - Y||^2, with Y the module's output
 * feature (the attention probabilities for MSA, the fc2 output for MLP; nuclear norms averaged over
 * {@link #NORM_IMAGES} images) and the perturbation measured per op on FP32 inputs and summed over
 * the module's ops: the output error of each linear and, for MSA, of Q*K^T and P*V, each op
 * quantized alone at b on quick max-based grids with the clip factor of least tensor MSE (the
 * module is not re-run end to end). The widths with the lowest total Omega under the budget are
 * chosen exactly ({@link BitAllocation}).
 *
 * <p>Size is counted as the paper counts it: every quantized weight at its nominal width,
 * everything else at 32 bits. Layers outside the modules (patch embedding, head, patch merging)
 * keep the recipe's width; modules with a layer the user overrode are left to the user.
 */
public final class MixedPrecision {
  /** Images whose module outputs give the nuclear norms. */
  static final int NORM_IMAGES = 4;

  /** Token rows per layer input for the perturbation. */
  static final int ROWS = 512;

  /** Query rows per head for the attention operands' perturbation. */
  static final int QUERY_ROWS = 32;

  /** Candidate widths: centre - 2 .. centre + 2 within these bounds (paper: 4..8 for 6 bits). */
  static final int MIN_BITS = 3;

  static final int MAX_BITS = 8;

  /**
   * One module's choice.
   *
   * @param candidates widths considered
   * @param sensitivity Omega per candidate
   */
  public record Module(
      String name,
      String kind,
      List<String> layers,
      long params,
      double nuclearNorm,
      int[] candidates,
      double[] sensitivity,
      int bits) {}

  /**
   * @param nominalBytes nominal size of the whole model at the chosen widths
   * @param budgetBytes the budget in the same units
   * @param averageBits weight-averaged width over all quantized weights
   */
  public record Allocation(
      List<Module> modules,
      LayerOverrides overrides,
      double nominalBytes,
      double budgetBytes,
      double averageBits) {

    /** One line for the log: the widths block by block, "msa/mlp". */
    public String bitMapLine() {
      StringBuilder sb = new StringBuilder("bit map (msa/mlp by block):");
      for (int i = 0; i < modules.size(); i++) {
        Module m = modules.get(i);
        sb.append(m.kind().equals("msa") ? " " : "/").append(m.bits());
      }
      return sb.append(
              String.format(
                  Locale.ROOT,
                  "; nominal %.2f MB (budget %.2f MB), %.2f bits on average",
                  nominalBytes / 1e6,
                  budgetBytes / 1e6,
                  averageBits))
          .toString();
    }
  }

  private MixedPrecision() {}

  /**
   * @param wBits the recipe's width, kept by the layers outside the modules
   */
  public static Allocation choose(PlanInput in, int wBits, SizeBudget budget) {
    Graph g = in.graph();
    List<ModuleLayers> modules = modules(in);
    if (modules.isEmpty())
      throw new OnnxqException("mixed precision needs transformer blocks with MSA and MLP modules");
    Set<String> inModules = new HashSet<>();
    for (ModuleLayers m : modules) for (LinearLayer l : m.layers()) inModules.add(l.weight());
    long fixedBits = 0;
    long quantParams = 0;
    Set<String> quantized = new HashSet<>();
    for (LinearLayer l : in.structure().linears()) {
      if (in.keptFloat(l) || !quantized.add(l.weight())) continue;
      long p = params(g, l.weight());
      quantParams += p;
      if (!inModules.contains(l.weight())) fixedBits += p * in.ownBits(l).orElse(wBits);
    }
    long floatBits = 0;
    for (TensorProto t : g.initializers().values()) {
      if (t.getDataType() == TensorProto.DataType.FLOAT_VALUE && !quantized.contains(t.getName()))
        floatBits += 32 * Tensors.numel(Tensors.shape(t));
    }
    long budgetBits =
        budget instanceof SizeBudget.AvgBits a
            ? (long) Math.floor(a.bits() * quantParams) + floatBits
            : (long) Math.floor(((SizeBudget.TargetSize) budget).megabytes() * 8e6);
    long moduleBudget = budgetBits - floatBits - fixedBits;
    int centre = budget.centreBits(wBits);
    int[] cands =
        IntStream.rangeClosed(Math.max(MIN_BITS, centre - 2), Math.min(MAX_BITS, centre + 2))
            .toArray();

    Sensitivity sens = Sensitivity.measure(in, modules, cands);
    List<List<BitAllocation.Option>> groups = new ArrayList<>();
    for (int m = 0; m < modules.size(); m++) {
      List<BitAllocation.Option> opts = new ArrayList<>();
      for (int c = 0; c < cands.length; c++)
        opts.add(new BitAllocation.Option(modules.get(m).params() * cands[c], sens.omega()[m][c]));
      groups.add(opts);
    }
    int[] choice = BitAllocation.choose(groups, moduleBudget);
    if (choice == null) {
      throw new OnnxqException(
          String.format(
              Locale.ROOT,
              "the size budget (%.2f MB nominal) is below the model at %d bits everywhere",
              budgetBits / 8e6,
              cands[0]));
    }
    List<Module> out = new ArrayList<>();
    List<LayerOverrides.Rule> rules = new ArrayList<>();
    long chosenBits = floatBits + fixedBits;
    long weightBits = fixedBits;
    for (int m = 0; m < modules.size(); m++) {
      ModuleLayers ml = modules.get(m);
      int b = cands[choice[m]];
      List<String> names = new ArrayList<>();
      for (LinearLayer l : ml.layers()) {
        names.add(l.moduleName());
        rules.add(new LayerOverrides.Rule(l.moduleName(), b));
      }
      chosenBits += ml.params() * b;
      weightBits += ml.params() * b;
      out.add(
          new Module(
              ml.name(),
              ml.kind(),
              names,
              ml.params(),
              sens.nuclearNorm()[m],
              cands,
              sens.omega()[m],
              b));
    }
    return new Allocation(
        out,
        new LayerOverrides(rules),
        chosenBits / 8.0,
        budgetBits / 8.0,
        (double) weightBits / quantParams);
  }

  /**
   * The linears of one module, the tensor whose nuclear norm weighs it and, for MSA, the attention
   * whose operands take the module's width.
   */
  record ModuleLayers(
      String name,
      String kind,
      List<LinearLayer> layers,
      String feature,
      long params,
      Attention attention) {}

  private static List<ModuleLayers> modules(PlanInput in) {
    List<ModuleLayers> out = new ArrayList<>();
    for (TransformerBlock b : in.structure().blocks()) {
      String prefix = "block " + b.index();
      if (b.attention() != null && b.proj() != null && !b.qkv().isEmpty()) {
        List<LinearLayer> msa = new ArrayList<>(b.qkv());
        msa.add(b.proj());
        add(in, out, prefix + " msa", "msa", msa, b.proj().output(), b.attention());
      }
      if (b.fc1() != null && b.fc2() != null)
        add(in, out, prefix + " mlp", "mlp", List.of(b.fc1(), b.fc2()), b.fc2().output(), null);
    }
    return out;
  }

  private static void add(
      PlanInput in,
      List<ModuleLayers> out,
      String name,
      String kind,
      List<LinearLayer> layers,
      String feature,
      Attention attention) {
    long p = 0;
    for (LinearLayer l : layers) {
      if (in.overrides().forLayer(l.moduleName()).isPresent()) return; // the user decided
      p += params(in.graph(), l.weight());
    }
    out.add(new ModuleLayers(name, kind, layers, feature, p, attention));
  }

  private static long params(Graph g, String initializer) {
    return Tensors.numel(Tensors.shape(g.initializer(initializer).orElseThrow()));
  }

  /** Nuclear norms and Omega per module and candidate width. */
  private record Sensitivity(double[] nuclearNorm, double[][] omega) {
    static Sensitivity measure(PlanInput in, List<ModuleLayers> modules, int[] cands) {
      List<String> rows = new ArrayList<>();
      List<String> whole = new ArrayList<>();
      for (ModuleLayers m : modules) {
        whole.add(m.feature());
        if (m.attention() != null)
          whole.addAll(
              List.of(
                  m.attention().qInput(),
                  m.attention().kInput(),
                  m.attention().probs(),
                  m.attention().vInput()));
        for (LinearLayer l : m.layers()) if (!rows.contains(l.input())) rows.add(l.input());
      }
      var cap =
          ActivationCapture.run(
              in.fp32(),
              rows,
              whole,
              in.calib(),
              in.batchSize(),
              ActivationCapture.Rows.total(ROWS),
              NORM_IMAGES,
              in.progress());
      double[] nn = new double[modules.size()];
      double[][] omega = new double[modules.size()][cands.length];
      for (int m = 0; m < modules.size(); m++) {
        ModuleLayers ml = modules.get(m);
        nn[m] = meanNuclearNorm(cap.get(ml.feature()), Math.min(NORM_IMAGES, in.calib().size()));
        for (LinearLayer l : ml.layers()) {
          Captured x = cap.get(l.input());
          float[] w = current(in, l);
          double[] e = perturbation(x, w, x.lastDim(), cands);
          for (int c = 0; c < cands.length; c++) omega[m][c] += e[c];
        }
        if (ml.attention() != null) {
          Attention a = ml.attention();
          double[] e =
              attentionPerturbation(
                  cap.get(a.qInput()),
                  cap.get(a.kInput()),
                  cap.get(a.probs()),
                  cap.get(a.vInput()),
                  cands);
          for (int c = 0; c < cands.length; c++) omega[m][c] += e[c];
        }
        for (int c = 0; c < cands.length; c++) omega[m][c] *= nn[m];
        in.progress().step("mixed-precision sensitivity", m + 1, modules.size());
      }
      return new Sensitivity(nn, omega);
    }

    /** Weight as [in, out]. */
    private static float[] current(PlanInput in, LinearLayer l) {
      float[] w = Tensors.toFloats(in.graph().initializer(l.weight()).orElseThrow());
      if (l.outAxis() != 0) return w;
      int n = (int) Tensors.shape(in.graph().initializer(l.weight()).orElseThrow())[1];
      return Mat.transpose(w, w.length / n, n);
    }

    /**
     * Sum of the nuclear norms of every [rows, cols] matrix in the capture (heads, windows), per
     * image.
     */
    private static double meanNuclearNorm(Captured y, int images) {
      long[] s = y.shape();
      int cols = (int) s[s.length - 1];
      int rows = s.length >= 3 ? (int) s[s.length - 2] : 1;
      int matrices = y.data().length / (rows * cols);
      double total =
          IntStream.range(0, matrices)
              .parallel()
              .mapToDouble(k -> NuclearNorm.of(y.data(), k * rows * cols, rows, cols))
              .sum();
      return total / images;
    }

    /**
     * The attention operands' part of an MSA module's perturbation per candidate width: the mean
     * squared error per query row of Q*K^T and of P*V with both operands of each quantized at that
     * width, on {@link #QUERY_ROWS} query rows per head.
     */
    private static double[] attentionPerturbation(
        Captured q, Captured kt, Captured p, Captured v, int[] cands) {
      double[] e = new double[cands.length];
      AttentionDims dims = AttentionDims.of(q, kt);
      if (dims == null) return e; // not [batch, heads, tokens, dim]
      int images = dims.images();
      int heads = dims.heads();
      int tokens = dims.tokens();
      int d = dims.d();
      int rows = Math.min(QUERY_ROWS, tokens);
      int segments = dims.segments();
      float[] qs = Mat.sampleSegmentRows(q.data(), segments, tokens, d, rows);
      float[] ps = Mat.sampleSegmentRows(p.data(), segments, tokens, tokens, rows);
      var qk = new AttentionSimilaritySearch.Shape(images, heads, rows, d, tokens);
      var av = new AttentionSimilaritySearch.Shape(images, heads, rows, tokens, d);
      double[] eqk = productError(qs, kt.data(), qk, cands);
      double[] eav = productError(ps, v.data(), av, cands);
      for (int c = 0; c < cands.length; c++) e[c] = (eqk[c] + eav[c]) / (segments * rows);
      return e;
    }

    /** Summed squared error of the per-segment product A B with both operands quantized. */
    private static double[] productError(
        float[] a, float[] b, AttentionSimilaritySearch.Shape sh, int[] cands) {
      SimilarityGrid g = SimilarityGrid.ONNXQ;
      float[] y = AttentionSimilaritySearch.product(a, b, sh);
      double[] e = new double[cands.length];
      for (int c = 0; c < cands.length; c++) {
        float[] aq = clipped(a, a.length, 1, g.inputBase(a, cands[c]));
        float[] bq = clipped(b, b.length, 1, g.inputBase(b, cands[c]));
        e[c] = squaredError(y, AttentionSimilaritySearch.product(aq, bq, sh));
      }
      return e;
    }

    /** Mean squared output error per row of the layer quantized alone at each candidate width. */
    private static double[] perturbation(Captured x, float[] w, int in, int[] cands) {
      int out = w.length / in;
      SimilarityGrid g = SimilarityGrid.ONNXQ;
      float[] y = Mat.matmul(x.data(), x.rows(), in, w, out);
      double[] e = new double[cands.length];
      for (int c = 0; c < cands.length; c++) {
        float[] xq = clipped(x.data(), x.rows(), in, g.inputBase(x.data(), cands[c]));
        float[] wq = clipped(w, in, out, g.weightBase(w, in, out, cands[c]));
        e[c] = squaredError(y, Mat.matmul(xq, x.rows(), in, wq, out)) / x.rows();
      }
      return e;
    }

    private static double squaredError(float[] y, float[] yq) {
      double e = 0;
      for (int i = 0; i < y.length; i++) {
        double d = (double) yq[i] - y[i];
        e += d * d;
      }
      return e;
    }

    private static final double[] CLIPS = {0.5, 0.6, 0.7, 0.8, 0.9, 1.0};

    /**
     * Fake-quantized on the base grid (per tensor, or per column of [rows, cols]) scaled by the
     * clip factor of least MSE.
     */
    private static float[] clipped(float[] w, int in, int out, QuantParams base) {
      float[] best = null;
      double bestErr = Double.POSITIVE_INFINITY;
      for (double a : CLIPS) {
        QuantParams p = SimilarityGrid.scaled(base, a);
        float[] q = new float[w.length];
        double err = 0;
        for (int i = 0; i < in; i++) {
          for (int o = 0; o < out; o++) {
            int k = i * out + o;
            q[k] = UniformQuantizer.fakeQuant(w[k], p.scale(o), p.zeroPoint(o), p.range());
            double d = q[k] - w[k];
            err += d * d;
          }
        }
        if (err < bestErr) {
          bestErr = err;
          best = q;
        }
      }
      return best;
    }
  }
}
