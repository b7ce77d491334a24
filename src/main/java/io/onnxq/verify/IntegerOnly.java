package io.onnxq.verify;

import java.util.ArrayList;
import java.util.List;

/**
 * Whether a quantized model computes in integers from its input QuantizeLinear to its output
 * DequantizeLinear ({@link IntegerOnlyCheck}).
 *
 * @param quantized false when no QuantizeLinear reads a graph input (then nothing else is filled)
 * @param pathOps the ops on the path, by kind
 * @param breaking the float ops that break it, as {@code name (OpType)} in graph order
 * @param floatOutputs graph outputs that are float without being dequantized, with their producer
 */
public record IntegerOnly(
    boolean quantized,
    boolean integerOnly,
    Counts pathOps,
    List<String> breaking,
    List<String> floatOutputs) {

  /** How many ops the one-line text names before "and N more". */
  private static final int LISTED = 12;

  /**
   * @param fusedFloat float ops in a group an integer backend fuses (DQ -> MatMul -> Q and the
   *     like)
   */
  public record Counts(
      int total, int customOps, int quantizeDequantize, int shape, int integer, int fusedFloat) {
    static final Counts NONE = new Counts(0, 0, 0, 0, 0, 0);
  }

  public IntegerOnly {
    breaking = List.copyOf(breaking);
    floatOutputs = List.copyOf(floatOutputs);
  }

  static IntegerOnly notQuantized() {
    return new IntegerOnly(false, false, Counts.NONE, List.of(), List.of());
  }

  /** One line for the CLI. */
  public String text() {
    if (!quantized) return "integer-only: not a quantized model (no QuantizeLinear on its input)";
    if (integerOnly) return "integer-only: yes (" + countsText() + ")";
    List<String> parts = new ArrayList<>();
    if (!breaking.isEmpty()) {
      int n = breaking.size();
      String listed = String.join(", ", breaking.subList(0, Math.min(n, LISTED)));
      parts.add(
          n
              + (n == 1 ? " float op breaks it: " : " float ops break it: ")
              + listed
              + (n > LISTED ? ", and " + (n - LISTED) + " more" : ""));
    }
    parts.addAll(floatOutputs);
    return "integer-only: no, " + String.join("; ", parts);
  }

  private String countsText() {
    Counts c = pathOps;
    List<String> kinds = new ArrayList<>();
    add(kinds, c.customOps(), "integer custom ops");
    add(kinds, c.quantizeDequantize(), "quantize/dequantize");
    add(kinds, c.integer(), "integer ops");
    add(kinds, c.shape(), "shape ops");
    add(kinds, c.fusedFloat(), "float ops in fused QDQ groups");
    return c.total()
        + " ops on the path"
        + (kinds.isEmpty() ? "" : ": " + String.join(", ", kinds));
  }

  private static void add(List<String> kinds, int n, String what) {
    if (n > 0) kinds.add(n + " " + what);
  }
}
