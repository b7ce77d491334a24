package io.onnxq.recipe;

import io.onnxq.OnnxqException;

/**
 * What every recipe shares: how calibration runs and how custom ops are written.
 *
 * @param batchSize calibration batch size (a model that runs at one batch only overrides it)
 * @param calibCount calibration samples to use (all when the data has fewer)
 * @param emit custom ops as functions or inlined
 * @param overrides per-layer float or bit-width exceptions to the recipe
 * @param budget a mixed-precision size target, or null for the recipe's single width
 */
public record Settings(
    int batchSize, int calibCount, Emit emit, LayerOverrides overrides, SizeBudget budget) {
  public static final Settings DEFAULTS =
      new Settings(8, 100, Emit.FUNCTIONS, LayerOverrides.NONE, null);

  public Settings(int batchSize, int calibCount, Emit emit, LayerOverrides overrides) {
    this(batchSize, calibCount, emit, overrides, null);
  }

  public Settings {
    if (batchSize < 1) throw new OnnxqException("--batch-size must be at least 1");
    if (calibCount < 1) throw new OnnxqException("--calib-count must be at least 1");
    java.util.Objects.requireNonNull(emit, "emit");
    java.util.Objects.requireNonNull(overrides, "overrides");
  }

  public Settings withBatchSize(int b) {
    return new Settings(b, calibCount, emit, overrides, budget);
  }

  public Settings withOverrides(LayerOverrides o) {
    return new Settings(batchSize, calibCount, emit, o, budget);
  }

  public Settings withEmit(Emit e) {
    return new Settings(batchSize, calibCount, e, overrides, budget);
  }

  public Settings withBudget(SizeBudget b) {
    return new Settings(batchSize, calibCount, emit, overrides, b);
  }
}
