package io.onnxq.verify;

import io.onnxq.model.Graph;
import io.onnxq.model.Node;
import io.onnxq.ort.OrtModel.Output;
import java.util.List;
import java.util.function.Function;

/** Recomputes one custom op with its Java reference kernel from tensors ORT produced. */
interface KernelCheck {
  String opType();

  /** ONNX element type of each input position (for tapping non-constant inputs). */
  List<Integer> inputTypes();

  List<Integer> outputTypes();

  /** Element type of input {@code i} of this call; ops whose input type varies per call override it. */
  default int inputType(Node call, Graph g, int i) {
    return inputTypes().get(i);
  }

  /**
   * Compares the kernel's output with ORT's for one batch. {@code tensor} resolves a node input or
   * output name to its value (tapped activation or initializer).
   */
  Comparison check(Node call, Graph g, Function<String, Output> tensor);

  /** Elements compared, how many differ, and the largest absolute difference. */
  record Comparison(long elements, long mismatches, double maxAbsDiff) {
    static Comparison of(long[] expected, long[] actual) {
      long bad = 0;
      double max = 0;
      for (int i = 0; i < expected.length; i++) {
        double d = Math.abs((double) expected[i] - actual[i]);
        if (d != 0) bad++;
        max = Math.max(max, d);
      }
      if (expected.length != actual.length) bad += Math.abs(expected.length - actual.length);
      return new Comparison(expected.length, bad, max);
    }

    /** Float outputs must match bit for bit (NaN equals NaN, +0 differs from -0). */
    static Comparison of(float[] expected, float[] actual) {
      long bad = 0;
      double max = 0;
      int n = Math.min(expected.length, actual.length);
      for (int i = 0; i < n; i++) {
        if (Float.floatToIntBits(expected[i]) != Float.floatToIntBits(actual[i])) {
          bad++;
          double d = Math.abs((double) expected[i] - actual[i]);
          max = Math.max(max, Double.isNaN(d) ? Double.POSITIVE_INFINITY : d);
        }
      }
      bad += Math.abs(expected.length - actual.length);
      return new Comparison(expected.length, bad, max);
    }

    Comparison plus(Comparison o) {
      return new Comparison(elements + o.elements, mismatches + o.mismatches, Math.max(maxAbsDiff, o.maxAbsDiff));
    }
  }

  static byte[] bytes(Output o) {
    byte[] b = new byte[o.ints().length];
    for (int i = 0; i < b.length; i++) b[i] = (byte) o.ints()[i];
    return b;
  }

  static long[] widen(byte[] b) {
    long[] v = new long[b.length];
    for (int i = 0; i < b.length; i++) v[i] = b[i] & 0xff;
    return v;
  }

  static long[] widen(int[] a) {
    long[] v = new long[a.length];
    for (int i = 0; i < a.length; i++) v[i] = a[i];
    return v;
  }

  static int[] ints(long[] a) {
    int[] v = new int[a.length];
    for (int i = 0; i < v.length; i++) v[i] = (int) a[i];
    return v;
  }

  static int lastDim(Output o) {
    return (int) o.shape()[o.shape().length - 1];
  }
}
