package io.onnxq.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "verify", mixinStandardHelpOptions = true, description = "not yet built")
final class VerifyCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    return 1;
  }
}
