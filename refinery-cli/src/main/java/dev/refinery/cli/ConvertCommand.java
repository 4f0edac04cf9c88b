package dev.refinery.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until the command lands. */
@Command(name = "convert", description = "(not implemented yet)")
final class ConvertCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new dev.refinery.RefineryException("convert is not implemented yet");
  }
}
