package io.onnxq.recipe;

import io.onnxq.OnnxqException;
import java.util.Locale;

/**
 * FUNCTIONS = custom ops with model-local function bodies; INLINE = bodies expanded in the graph.
 */
public enum Emit {
  FUNCTIONS,
  INLINE;

  public static Emit parse(String name) {
    try {
      return valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new OnnxqException("unknown --emit '" + name + "'; valid: functions, inline");
    }
  }
}
