package dev.refinery.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until the command lands. */
@Command(name = "sample-data", description = "(not implemented yet)")
final class SampleDataCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new dev.refinery.RefineryException("sample-data is not implemented yet");
  }
}
