package io.onnxq.testutil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onnxq.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the command line in-process and checks the project's promise for refused input. */
public final class CliRun {
  private CliRun() {}

  /**
   * Runs {@code args} and asserts a non-zero exit with exactly one "onnxq: error:" line containing
   * {@code expected} (never an internal error); returns that line.
   */
  public static String failsWithOneLine(String expected, String... args) {
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(err, true), args);
    String msg = err.toString().strip();
    assertTrue(code != 0, "exit code for " + String.join(" ", args));
    assertEquals(1, msg.lines().count(), "one line, got: " + msg);
    assertTrue(msg.startsWith("onnxq: error: "), msg);
    assertTrue(msg.contains(expected), "expected '" + expected + "' in: " + msg);
    assertFalse(msg.contains("internal error"), msg);
    return msg;
  }
}
