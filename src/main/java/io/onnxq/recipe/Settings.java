package io.onnxq.recipe;

import io.onnxq.OnnxqException;

/**
 * What every recipe shares: how calibration runs and how custom ops are written.
 *
 * @param batchSize calibration batch size (a model that runs at one batch only overrides it)
 * @param calibCount calibration samples to use (all when the data has fewer)
 * @param emit custom ops as functions or inlined
 */
public record Settings(int batchSize, int calibCount, Emit emit) {
  public static final Settings DEFAULTS = new Settings(8, 100, Emit.FUNCTIONS);

  public Settings {
    if (batchSize < 1) throw new OnnxqException("--batch-size must be at least 1");
    if (calibCount < 1) throw new OnnxqException("--calib-count must be at least 1");
    java.util.Objects.requireNonNull(emit, "emit");
  }

  public Settings withBatchSize(int b) {
    return new Settings(b, calibCount, emit);
  }

  public Settings withEmit(Emit e) {
    return new Settings(batchSize, calibCount, e);
  }
}
