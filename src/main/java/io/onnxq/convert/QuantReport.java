package io.onnxq.convert;

import io.onnxq.calib.LayerErrorMeter.LayerError;
import io.onnxq.plan.MixedPrecision;
import io.onnxq.recipe.Recipe;
import io.onnxq.recipe.Settings;
import io.onnxq.verify.IntegerOnly;
import java.util.List;

/**
 * The conversion report written with {@code --report}: every quantized tensor and per-layer error.
 */
/**
 * @param nominalBytes model size as Liu et al. 2021 count it: quantized weights at their nominal
 *     widths, every other float initializer at 32 bits
 * @param mixedPrecision the widths chosen per module, or null for a single-width recipe
 * @param integerOnly whether the written model computes in integers from input to output, and if
 *     not, which float ops break it
 */
public record QuantReport(
    String model,
    String output,
    String recipeName,
    Recipe recipe,
    Settings settings,
    String method,
    int calibrationSamples,
    double calibrationSeconds,
    double totalSeconds,
    long inputBytes,
    long outputBytes,
    double nominalBytes,
    MixedPrecision.Allocation mixedPrecision,
    IntegerOnly integerOnly,
    List<TensorEntry> tensors,
    List<LayerEntry> layers) {

  public QuantReport withOutput(String path) {
    return new QuantReport(
        model,
        path,
        recipeName,
        recipe,
        settings,
        method,
        calibrationSamples,
        calibrationSeconds,
        totalSeconds,
        inputBytes,
        outputBytes,
        nominalBytes,
        mixedPrecision,
        integerOnly,
        tensors,
        layers);
  }

  /** One quantized tensor with its parameters. */
  public record TensorEntry(
      String name,
      String kind,
      String role,
      String grid,
      int bits,
      boolean perChannel,
      float[] scale,
      int[] zeroPoint,
      int[] ptfAlpha,
      String observer) {}

  /**
   * Output error of one layer against FP32 on calibration samples; {@code module} is the name
   * --keep-float/--bits match (null for attention).
   */
  public record LayerEntry(
      String layer, String module, String role, String tensor, double sqnrDb, double cosine) {
    static LayerEntry of(String layer, String module, String role, LayerError e) {
      return new LayerEntry(layer, module, role, e.tensor(), e.sqnrDb(), e.cosine());
    }
  }
}
