package io.onnxq.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "eval", mixinStandardHelpOptions = true, description = "not yet built")
final class EvalCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    return 1;
  }
}
