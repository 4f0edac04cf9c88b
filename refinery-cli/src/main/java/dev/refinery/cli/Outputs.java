package dev.refinery.cli;

import dev.refinery.io.InputFile;
import dev.refinery.io.Inputs;
import dev.refinery.io.OutputFolder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;

/** What every writing command does with its output: {@link OutputFolder}, told the command. */
final class Outputs {
  private Outputs() {}

  /** "refinery blend --source ... mix/": what another process is told holds the output. */
  static String command(CommandSpec spec) {
    var parsed = spec.root().commandLine().getParseResult();
    List<String> args = parsed == null ? List.of() : parsed.originalArgs();
    return "refinery " + String.join(" ", args);
  }

  /** A new folder for a command without resume (blend, interleave, shard, split). */
  static OutputFolder create(CommandSpec spec, Path dir) {
    return OutputFolder.create(dir, command(spec));
  }

  /** A folder the command manages itself (run, generate: they resume). */
  static OutputFolder lock(CommandSpec spec, Path dir) {
    return OutputFolder.lock(dir, command(spec));
  }

  /** A single-file output (convert, format, shuffle, tokenize). */
  static OutputFolder lockFile(CommandSpec spec, Path file) {
    return OutputFolder.lockFile(file, command(spec));
  }

  /** Refuses outputs (the data, a rejects file; null for none) that are or hold an input. */
  static void apart(List<Path> inputs, Path... outputs) {
    for (Path out : outputs) {
      if (out != null) {
        OutputFolder.checkApart(out, inputs);
      }
    }
  }

  /** The inputs as named (a file or folder; a glob names none) and as resolved. */
  static List<Path> inputs(String named, List<InputFile> files) {
    List<Path> all = new ArrayList<>();
    if (!named.contains("*") && !named.contains("?") && !named.contains("[")) {
      all.add(Inputs.path(named));
    }
    files.forEach(f -> all.add(f.path()));
    return all;
  }
}
