package io.onnxq.plan;

import io.onnxq.model.Graph;
import io.onnxq.model.Tensors;
import io.onnxq.quant.PtfParams;
import io.onnxq.quant.QuantParams;
import io.onnxq.recipe.GeluMode;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every quantizer of a conversion, one entry per tensor: activations with their sealed quantizer
 * kind and bit width, weights with their codes, and the float initializers a planner replaced
 * (reparameterized or bias-corrected). Immutable; built by a {@link Planner} through {@link
 * Builder}. Tensors without an entry stay FP32.
 */
public final class QuantPlan {
  private final Map<String, ActivationEntry> activations;
  private final Map<String, WeightEntry> weights;
  private final Map<String, float[]> replacements;
  private final Set<String> rescaled;
  private final Map<String, GeluMode> intGelus;
  private final String method;

  private QuantPlan(Builder b) {
    activations = Collections.unmodifiableMap(new LinkedHashMap<>(b.activations));
    weights = Collections.unmodifiableMap(new LinkedHashMap<>(b.weights));
    replacements = Collections.unmodifiableMap(new LinkedHashMap<>(b.replacements));
    rescaled = Collections.unmodifiableSet(new LinkedHashSet<>(b.rescaled));
    intGelus = Collections.unmodifiableMap(new LinkedHashMap<>(b.intGelus));
    method = b.method;
  }

  /** Activations in planning order (rules that walk the plan insert nodes in this order). */
  public Collection<ActivationEntry> activations() {
    return activations.values();
  }

  public Optional<ActivationEntry> activation(String tensor) {
    return Optional.ofNullable(activations.get(tensor));
  }

  /** The uniform grid of a tensor with a Uniform or PTF quantizer, else null. */
  public QuantParams uniform(String tensor) {
    ActivationEntry e = activations.get(tensor);
    return e == null ? null : e.quant().uniformParams();
  }

  /** The PTF params of a tensor quantized with power-of-two factors, else null. */
  public PtfParams ptf(String tensor) {
    ActivationEntry e = activations.get(tensor);
    return e != null && e.quant() instanceof ActivationQuant.Ptf p ? p.params() : null;
  }

  /** Whether the tensor's quantizer is of the given kind. */
  public boolean is(String tensor, Class<? extends ActivationQuant> kind) {
    ActivationEntry e = activations.get(tensor);
    return e != null && kind.isInstance(e.quant());
  }

  public Map<String, WeightEntry> weights() {
    return weights;
  }

  public WeightEntry weight(String initializer) {
    return weights.get(initializer);
  }

  /** New values of float initializers, written before any weight is quantized. */
  public Map<String, float[]> replacements() {
    return replacements;
  }

  /**
   * Tensors the plan rescales on purpose (e.g. q/k balance), so they no longer compare with FP32.
   */
  public Set<String> rescaled() {
    return rescaled;
  }

  /**
   * Outputs of the GELUs computed by an integer GELU from their input's codes (both tensors have
   * uniform entries), each with its integer form.
   */
  public Map<String, GeluMode> intGelus() {
    return intGelus;
  }

  /** How the activation grids were chosen (observer name or search), for reports. */
  public String method() {
    return method;
  }

  /**
   * Grids below 8 bits and log quantizers are written at ai.onnx opset 21 (its INT4/UINT4 types
   * store weights of at most 4 bits; the AdaLog ops' bodies use it).
   */
  public boolean needsOpset21() {
    for (ActivationEntry e : activations.values()) {
      if (e.quant().bits() < 8 || e.quant() instanceof ActivationQuant.Log) return true;
    }
    for (WeightEntry w : weights.values()) if (w.bits() < 8) return true;
    return false;
  }

  /**
   * Collects a plan; the last entry for a tensor wins and keeps the first one's place in the order.
   */
  public static final class Builder {
    private final Map<String, ActivationEntry> activations = new LinkedHashMap<>();
    private final Map<String, WeightEntry> weights = new LinkedHashMap<>();
    private final Map<String, float[]> replacements = new LinkedHashMap<>();
    private final Set<String> rescaled = new LinkedHashSet<>();
    private final Map<String, GeluMode> intGelus = new LinkedHashMap<>();
    private final String method;

    /**
     * @param method how activation grids are chosen unless an entry says otherwise
     */
    public Builder(String method) {
      this.method = method;
    }

    public Builder activation(
        String tensor, String role, ActivationQuant quant, boolean everyConsumer) {
      return activation(tensor, role, quant, everyConsumer, method);
    }

    public Builder activation(
        String tensor, String role, ActivationQuant quant, boolean everyConsumer, String chosenBy) {
      activations.put(tensor, new ActivationEntry(tensor, role, quant, everyConsumer, chosenBy));
      return this;
    }

    public Builder weight(WeightEntry w) {
      weights.put(w.initializer(), w);
      return this;
    }

    public Builder replace(String initializer, float[] values) {
      replacements.put(initializer, values);
      return this;
    }

    public Builder rescaled(String tensor) {
      rescaled.add(tensor);
      return this;
    }

    /** The GELU writing {@code output} becomes an integer GELU of the given form. */
    public Builder intGelu(String output, GeluMode mode) {
      if (!mode.integer()) throw new IllegalArgumentException("not an integer GELU: " + mode);
      intGelus.put(output, mode);
      return this;
    }

    /** The weight entry planned so far for an initializer, or null. */
    public WeightEntry plannedWeight(String initializer) {
      return weights.get(initializer);
    }

    /** The activation entry planned so far for a tensor, or null. */
    public ActivationEntry plannedActivation(String tensor) {
      return activations.get(tensor);
    }

    /** Current values of a float initializer: a planned replacement, else the graph's. */
    public float[] current(Graph g, String initializer) {
      float[] r = replacements.get(initializer);
      return r != null ? r : Tensors.toFloats(g.initializer(initializer).orElseThrow());
    }

    public QuantPlan build() {
      return new QuantPlan(this);
    }
  }
}
