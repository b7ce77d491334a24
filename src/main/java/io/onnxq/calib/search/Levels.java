package io.onnxq.calib.search;

import io.onnxq.quant.AdaLogQuantizer;
import io.onnxq.quant.IntRange;
import io.onnxq.quant.UniformQuantizer;
import java.util.concurrent.ConcurrentHashMap;

/** Scale-free levels for {@link OutputScorer} and whole-array fake quantization. */
final class Levels {
  private static final ConcurrentHashMap<Integer, float[]> UNIT_TABLES = new ConcurrentHashMap<>();

  private Levels() {}

  /** Uniform: level q - z, so the value is s * level. */
  static OutputScorer.Mapper uniform(float s, int z, IntRange r) {
    return (x, off, m, mOff, len) -> {
      for (int i = 0; i < len; i++) {
        m[mOff + i] = UniformQuantizer.quantize(x[off + i], s, z, r) - z;
      }
    };
  }

  /**
   * AdaLog: the s = 1, h = 0 table value of the code, so the value is s * level - h up to the one
   * float rounding of the real table (exact for s = 1, h = 0).
   */
  static OutputScorer.Mapper adaLog(AdaLogQuantizer a) {
    float[] unit = unitTable(a.bits(), a.q());
    return (x, off, m, mOff, len) -> {
      for (int i = 0; i < len; i++) {
        m[mOff + i] = unit[a.quantize(x[off + i])];
      }
    };
  }

  private static float[] unitTable(int bits, int q) {
    return UNIT_TABLES.computeIfAbsent(
        bits * 1000 + q, k -> new AdaLogQuantizer(bits, 1f, q, 0f).tableUnshifted());
  }

  static float[] fakeQuant(float[] x, ActivationChoice c) {
    float[] out = new float[x.length];
    if (c instanceof AdaLogChoice a) {
      AdaLogQuantizer qz = a.quantizer();
      for (int i = 0; i < x.length; i++) {
        out[i] = qz.fakeQuant(x[i]);
      }
    } else {
      UniformChoice u = (UniformChoice) c;
      for (int i = 0; i < x.length; i++) {
        out[i] = u.fakeQuant(x[i], 0);
      }
    }
    return out;
  }

  /** Fake quantization of one group with a uniform (s, z). */
  static float[] fakeQuant(float[] x, float s, int z, IntRange r) {
    float[] out = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = UniformQuantizer.fakeQuant(x[i], s, z, r);
    }
    return out;
  }

  static double mse(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      double d = (double) a[i] - b[i];
      sum += d * d;
    }
    return a.length == 0 ? 0 : sum / a.length;
  }
}
