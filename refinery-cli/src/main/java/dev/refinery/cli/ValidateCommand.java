package dev.refinery.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until the command lands. */
@Command(name = "validate", description = "(not implemented yet)")
final class ValidateCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new dev.refinery.RefineryException("validate is not implemented yet");
  }
}
