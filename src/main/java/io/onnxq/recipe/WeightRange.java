package io.onnxq.recipe;

import io.onnxq.OnnxqException;
import io.onnxq.quant.IntRange;
import java.util.Locale;

/**
 * The int8 weight grid. REDUCED = 7-bit symmetric [-63, 63], safe on x86 CPUs without VNNI where
 * ORT's u8*s8 kernels saturate; FULL = [-127, 127].
 */
public enum WeightRange {
  REDUCED,
  FULL;

  /** The signed symmetric 8-bit grid this range stands for. */
  public IntRange int8() {
    return this == FULL ? IntRange.sintNarrow(8) : IntRange.sintReduced(8);
  }

  public static WeightRange parse(String name) {
    try {
      return valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new OnnxqException("unknown --weight-range '" + name + "'; valid: reduced, full");
    }
  }
}
