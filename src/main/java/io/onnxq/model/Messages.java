package io.onnxq.model;

import java.io.IOException;

/** Pieces of one-line error messages about model files. */
final class Messages {
  private Messages() {}

  /** A name for a one-line message: quoted, control characters escaped, at most 120 characters. */
  static String quote(String s) {
    StringBuilder b = new StringBuilder("'");
    int i = 0;
    for (; i < s.length() && b.length() <= 120; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f || c == 0x85 || c == 0x2028 || c == 0x2029)
        b.append(String.format("\\u%04x", (int) c));
      else b.append(c);
    }
    if (i < s.length()) b.append("...");
    return b.append('\'').toString();
  }

  static String oneLine(IOException e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return m.replaceAll("[\\r\\n\\u2028\\u2029\\u0085]+", " ");
  }
}
