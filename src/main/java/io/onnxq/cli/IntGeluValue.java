package io.onnxq.cli;

import java.util.Map;
import java.util.Stack;
import picocli.CommandLine.IParameterPreprocessor;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code --int-gelu} takes its form only as {@code table} or {@code ibert} (attached, {@code
 * --int-gelu=ibert}, or as the next word); any other next word, such as the model path, is left to
 * the command, and the bare flag means {@code table}.
 */
final class IntGeluValue implements IParameterPreprocessor {
  static final String DEFAULT = "table";

  @Override
  public boolean preprocess(
      Stack<String> args, CommandSpec spec, ArgSpec option, Map<String, Object> info) {
    // --int-gelu=X: picocli has pushed X and takes it (a bad X gets GeluMode's one-line error)
    if (spec.parser().separator().equals(info.get("separator"))) return false;
    boolean named =
        !args.isEmpty()
            && (args.peek().equalsIgnoreCase("table") || args.peek().equalsIgnoreCase("ibert"));
    option.setValue(named ? args.pop() : DEFAULT);
    return true;
  }
}
