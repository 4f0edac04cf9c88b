package dev.refinery.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until the command lands. */
@Command(name = "show", description = "(not implemented yet)")
final class ShowCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new dev.refinery.RefineryException("show is not implemented yet");
  }
}
