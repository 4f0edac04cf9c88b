package dev.refinery.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until the command lands. */
@Command(name = "stats", description = "(not implemented yet)")
final class StatsCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new dev.refinery.RefineryException("stats is not implemented yet");
  }
}
