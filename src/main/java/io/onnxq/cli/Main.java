package io.onnxq.cli;

import io.onnxq.OnnxqException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point: `onnxq convert|inspect|eval|verify ...`. */
@Command(
    name = "onnxq",
    mixinStandardHelpOptions = true,
    version = "onnxq 0.1.0",
    description = "Post-training quantization of ONNX Vision Transformers.",
    subcommands = {InspectCommand.class, ConvertCommand.class, EvalCommand.class, VerifyCommand.class, BenchCommand.class})
public final class Main implements Runnable {
  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs a command line and returns the exit code; user errors print one line, not a stack trace. */
  public static int run(String... args) {
    return run(new java.io.PrintWriter(System.err, true), args);
  }

  public static int run(java.io.PrintWriter err, String... args) {
    CommandLine cl = new CommandLine(new Main());
    cl.setErr(err);
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      Throwable t = ex;
      while (!(t instanceof OnnxqException) && t.getCause() != null) t = t.getCause();
      if (t instanceof OnnxqException) {
        cmd.getErr().println("onnxq: error: " + t.getMessage());
        return 2;
      }
      cmd.getErr().println("onnxq: internal error: " + ex);
      if (System.getenv("ONNXQ_DEBUG") != null) ex.printStackTrace(cmd.getErr());
      return 3;
    });
    return cl.execute(args);
  }
}
