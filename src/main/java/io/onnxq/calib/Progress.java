package io.onnxq.calib;

import java.io.PrintStream;

/** Progress lines on stderr for long work; silent when disabled (tests, --json). */
public final class Progress {
  public static final Progress SILENT = new Progress(null);
  private final PrintStream out;
  private long lastPrint;

  public Progress(PrintStream out) {
    this.out = out;
  }

  public static Progress stderr() {
    return new Progress(System.err);
  }

  /** Prints at most twice a second, and always the final step. */
  public void step(String task, int done, int total) {
    if (out == null) return;
    long now = System.currentTimeMillis();
    if (done < total && now - lastPrint < 500) return;
    lastPrint = now;
    out.printf("\r%s %d/%d", task, done, total);
    if (done >= total) out.println();
    out.flush();
  }

  public void info(String message) {
    if (out != null) out.println(message);
  }
}
