package dev.refinery.cli;

import dev.refinery.io.OutputFolder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A writer that stops half way, for tests: takes {@code OUT} as blend does, puts one data file
 * under its final name, says "ready" and waits for stdin; the test kills it with SIGKILL.
 */
public final class HoldOutput {
  private HoldOutput() {}

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args[0]);
    OutputFolder folder = OutputFolder.create(out, "refinery blend (half-way test writer)");
    Path data = Files.createDirectories(out.resolve("data"));
    Files.copy(Path.of(args[1]), data.resolve("train-00000-of-00002.jsonl"));
    System.out.println("ready");
    System.out.flush();
    System.in.read();
    folder.close();
  }
}
