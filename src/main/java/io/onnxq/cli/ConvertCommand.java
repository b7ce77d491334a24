package io.onnxq.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "convert", mixinStandardHelpOptions = true, description = "not yet built")
final class ConvertCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    return 1;
  }
}
