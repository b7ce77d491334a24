package io.onnxq.cli;

import io.onnxq.OnnxqException;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point: `onnxq convert|inspect|eval|verify ...`. */
@Command(
    name = "onnxq",
    mixinStandardHelpOptions = true,
    version = "onnxq 0.1.0",
    description = "Post-training quantization of ONNX Vision Transformers.",
    subcommands = {
      InspectCommand.class,
      ConvertCommand.class,
      EvalCommand.class,
      VerifyCommand.class,
      BenchCommand.class
    })
public final class Main implements Runnable {
  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /**
   * Picocli's own parse errors (bad option value, missing option, unknown command) as one line and
   * exit code 2, like every other user error; the usage hint names the command's --help.
   */
  private static int parameterError(CommandLine.ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    String where = cmd.getCommandSpec().qualifiedName();
    String msg;
    if (ex instanceof CommandLine.UnmatchedArgumentException u
        && cmd.getCommandSpec().subcommands().size() > 0
        && !u.getUnmatched().isEmpty()
        && !u.getUnmatched().get(0).startsWith("-")) {
      String name = u.getUnmatched().get(0);
      List<String> close = u.getSuggestions();
      msg =
          "unknown command '"
              + name
              + "'"
              + (close.isEmpty() ? "" : " (did you mean " + String.join(" or ", close) + "?)")
              + "; commands: "
              + String.join(", ", cmd.getSubcommands().keySet());
    } else {
      String m = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
      msg =
          m.strip()
              .lines()
              .map(String::strip)
              .filter(l -> !l.isEmpty())
              .collect(Collectors.joining("; "));
    }
    cmd.getErr().println("onnxq: error: " + oneLine(msg) + "; see '" + where + " --help'");
    return 2;
  }

  /**
   * Messages may quote what a broken file holds (names, headers): control characters are escaped so
   * the error stays one line and cannot rewrite the terminal.
   */
  static String oneLine(String msg) {
    if (msg == null) return "unknown error";
    StringBuilder sb = new StringBuilder(msg.length());
    msg.codePoints()
        .forEach(
            c -> {
              if (c == '\n') sb.append("\\n");
              else if (c == '\r') sb.append("\\r");
              else if (c == '\t') sb.append("\\t");
              else if (Character.isISOControl(c) || c == 0x2028 || c == 0x2029 || c == 0x85)
                sb.append(String.format("\\u%04x", c));
              else sb.appendCodePoint(c);
            });
    return sb.toString();
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /**
   * Runs a command line and returns the exit code; user errors print one line, not a stack trace.
   */
  public static int run(String... args) {
    return run(new java.io.PrintWriter(System.err, true), args);
  }

  public static int run(java.io.PrintWriter err, String... args) {
    CommandLine cl = new CommandLine(new Main());
    cl.setErr(err);
    cl.setExecutionExceptionHandler(
        (ex, cmd, parsed) -> {
          Throwable t = ex;
          while (!(t instanceof OnnxqException) && t.getCause() != null) t = t.getCause();
          if (t instanceof OnnxqException) {
            cmd.getErr().println("onnxq: error: " + oneLine(t.getMessage()));
            return 2;
          }
          cmd.getErr().println("onnxq: internal error: " + oneLine(ex.toString()));
          if (System.getenv("ONNXQ_DEBUG") != null) ex.printStackTrace(cmd.getErr());
          return 3;
        });
    cl.setParameterExceptionHandler(Main::parameterError);
    return cl.execute(args);
  }
}
