package io.onnxq.recipe;

import io.onnxq.OnnxqException;
import java.util.Locale;

/**
 * How GELU runs under the FQ-ViT placement. FLOAT: dequantize, float GELU, quantize. TABLE: {@code
 * com.onnxq::GeluTable}, the exactly rounded GELU of every 8-bit code. IBERT: {@code
 * com.onnxq::IntGelu}, I-BERT's second-order erf polynomial.
 */
public enum GeluMode {
  FLOAT,
  TABLE,
  IBERT;

  /** The integer forms {@code --int-gelu} accepts. */
  public static GeluMode parseInteger(String name) {
    try {
      GeluMode m = valueOf(name.toUpperCase(Locale.ROOT));
      if (m != FLOAT) return m;
    } catch (IllegalArgumentException e) {
      // falls through to the one-line error
    }
    throw new OnnxqException("unknown --int-gelu '" + name + "'; valid: table, ibert");
  }

  public boolean integer() {
    return this != FLOAT;
  }

  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
