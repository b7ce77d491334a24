package io.onnxq.convert;

import io.onnxq.calib.CalibrationStats;
import io.onnxq.calib.Tap;
import io.onnxq.quant.IntRange;
import io.onnxq.quant.PtfParams;
import io.onnxq.quant.QuantParams;
import io.onnxq.quant.QuantizedWeight;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which tensors get which quantizer (decided from the structure before calibration) and, after
 * calibration, their parameters. Rewrites read it; the report is built from it.
 */
public final class QuantTable {
  /**
   * A quantized activation: its role in the network and integer grid; ptf = per-channel PTF;
   * {@code observed} is the tensor whose statistics choose the grid (usually the tensor itself).
   */
  public record ActivationSite(String tensor, String role, IntRange range, boolean ptf, String observed) {}

  private final Map<String, ActivationSite> activations = new LinkedHashMap<>();
  private final Map<String, IntRange> weights = new LinkedHashMap<>();
  private final Map<String, String> weightRoles = new LinkedHashMap<>();
  private final Map<String, QuantParams> params = new LinkedHashMap<>();
  private final Map<String, PtfParams> ptfParams = new LinkedHashMap<>();
  private final Map<String, QuantizedWeight> quantizedWeights = new LinkedHashMap<>();
  private final Map<String, QuantParams> chosenWeights = new LinkedHashMap<>();
  private final Map<String, io.onnxq.quant.AdaLogQuantizer> logQuantizers = new LinkedHashMap<>();
  private final Map<String, float[]> replacements = new LinkedHashMap<>();
  private final Map<String, Integer> ranks = new LinkedHashMap<>();
  private String observer = "";

  public void addActivation(String tensor, String role, IntRange range, boolean ptf) {
    addActivation(tensor, role, range, ptf, tensor);
  }

  /** An activation whose grid is chosen on the statistics of another tensor (see ActivationSite). */
  public void addActivation(String tensor, String role, IntRange range, boolean ptf, String observed) {
    ActivationSite old = activations.get(tensor);
    if (old == null || (ptf && !old.ptf())) activations.put(tensor, new ActivationSite(tensor, role, range, ptf, observed));
  }

  public void addWeight(String initializer, String role, IntRange range) {
    weights.put(initializer, range);
    weightRoles.put(initializer, role);
  }

  public List<Tap> taps() {
    List<Tap> taps = new ArrayList<>();
    for (ActivationSite s : activations.values()) {
      Tap tap = new Tap(s.observed(), s.ptf());
      if (!taps.contains(tap)) taps.add(tap);
    }
    return taps;
  }

  /** Fills in every activation's parameters from the calibration statistics. */
  public void resolve(CalibrationStats stats) {
    observer = stats.kind().cliName();
    for (ActivationSite s : activations.values()) {
      if (s.ptf()) {
        PtfParams p = stats.ptf(s.observed(), s.range());
        ptfParams.put(s.tensor(), p);
        int rank = stats.shape(s.observed()).length;
        params.put(s.tensor(), p.toQuantParams(rank - 1));
        declareRank(s.tensor(), rank);
      } else {
        params.put(s.tensor(), stats.params(s.observed(), s.range()));
      }
    }
  }

  public boolean hasActivation(String tensor) { return params.containsKey(tensor) && !logQuantizers.containsKey(tensor); }

  public QuantParams activation(String tensor) { return params.get(tensor); }

  public PtfParams ptf(String tensor) { return ptfParams.get(tensor); }

  /** Overrides an activation's parameters (e.g. a fixed range for a known-bounded tensor). */
  public void setActivation(String tensor, QuantParams p) { params.put(tensor, p); }

  public Map<String, ActivationSite> activationSites() { return activations; }

  public boolean hasWeight(String initializer) { return weights.containsKey(initializer); }

  public IntRange weightRange(String initializer) { return weights.get(initializer); }

  public String weightRole(String initializer) { return weightRoles.get(initializer); }

  public void recordWeight(String initializer, QuantizedWeight w) { quantizedWeights.put(initializer, w); }

  public Map<String, QuantizedWeight> quantizedWeights() { return quantizedWeights; }

  public String observer() { return observer; }

  public void setObserver(String name) { observer = name; }

  /** Weight params chosen by a search (else the rewrite derives MinMax params itself). */
  public void chooseWeight(String initializer, QuantParams p) { chosenWeights.put(initializer, p); }

  public QuantParams chosenWeight(String initializer) { return chosenWeights.get(initializer); }

  /** A logarithmic (AdaLog / log2) quantizer on an activation, in place of a uniform one. */
  public void setLogQuantizer(String tensor, io.onnxq.quant.AdaLogQuantizer q) { logQuantizers.put(tensor, q); }

  public Map<String, io.onnxq.quant.AdaLogQuantizer> logQuantizers() { return logQuantizers; }

  /** New values for a float initializer (reparameterization, folded biases), applied first. */
  public void replaceInitializer(String name, float[] values) { replacements.put(name, values); }

  public Map<String, float[]> replacements() { return replacements; }

  /** Rank of an activation with per-axis params (needed to clip n-bit grids per axis). */
  public void declareRank(String tensor, int rank) { ranks.put(tensor, rank); }

  public Map<String, Integer> ranks() { return ranks; }
}
