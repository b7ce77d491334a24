package io.onnxq.cli;

import java.util.ArrayList;
import java.util.List;

/** Plain-text table: the first column left-aligned (names), the others right-aligned (numbers). */
final class Table {
  private Table() {}

  static List<String> format(List<String[]> rows) {
    int cols = rows.get(0).length;
    int[] w = new int[cols];
    for (String[] r : rows) for (int c = 0; c < cols; c++) w[c] = Math.max(w[c], r[c].length());
    List<String> lines = new ArrayList<>();
    for (String[] r : rows) {
      StringBuilder sb = new StringBuilder();
      for (int c = 0; c < cols; c++) {
        String pad = " ".repeat(w[c] - r[c].length());
        sb.append(c == 0 ? "" : "  ").append(c == 0 ? r[c] + pad : pad + r[c]);
      }
      lines.add(sb.toString().stripTrailing());
    }
    return lines;
  }
}
