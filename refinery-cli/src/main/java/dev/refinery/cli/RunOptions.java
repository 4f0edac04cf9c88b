package dev.refinery.cli;

import dev.refinery.run.InOrder;
import picocli.CommandLine.Option;

/** How a command's run goes: worker threads, and whether it goes on with an unfinished one. */
final class RunOptions {
  @Option(names = "--resume", description = "Go on with the unfinished run of this command "
      + "into the same output (after a crash, kill or Ctrl-C): finished partitions are kept.")
  boolean resume;

  @Option(names = "--workers", paramLabel = "N",
      description = "Worker threads (default: all cores); the output is the same for any N.")
  int workers = InOrder.defaultThreads();
}
