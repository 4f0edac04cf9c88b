package dev.refinery.cli;

import dev.refinery.RefineryException;
import dev.refinery.dataset.RejectsWriter;
import dev.refinery.format.Format;
import dev.refinery.io.InputFile;
import dev.refinery.stats.DatasetStats;
import dev.refinery.stats.StatsCollector;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code refinery stats}: what a dataset holds, counted exactly, one task per file. */
@Command(name = "stats", mixinStandardHelpOptions = true,
    description = {
        "Count samples by split, category, generator, reasoning, license and version, and give "
            + "exact percentiles of turns, tool calls and lengths (prompt, answer, reasoning).",
        "Percentiles are nearest-rank (as DuckDB's quantile_disc); lengths are Unicode code "
            + "points. Undecodable records are counted as malformed, not fatal."},
    footer = {"", "Examples:",
        "  refinery stats data/ --split math,code",
        "  refinery stats train.jsonl --json --rejects bad.jsonl"})
final class StatsCommand implements Callable<Integer> {
  @Mixin
  InputOptions input;

  @Option(names = "--json", description = "Print one JSON object instead of tables.")
  boolean json;

  @Option(names = "--rejects", paramLabel = "FILE",
      description = "Write undecodable records here (JSON Lines), with file, line and reason.")
  Path rejects;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    List<InputFile> files = input.files();
    Format format = input.format(files);
    DatasetStats stats;
    String malformedNote;
    UndecodableNote note;
    if (rejects == null) {
      note = new UndecodableNote(rejected -> { });
      stats = StatsCollector.collect(files, format, note);
      malformedNote = "skipped; use --rejects FILE to keep them";
    } else {
      try (RejectsWriter writer = new RejectsWriter(rejects)) {
        note = new UndecodableNote(writer);
        stats = StatsCollector.collect(files, format, note);
      } catch (IOException e) {
        throw RefineryException.cannot("write", rejects, e);
      }
      malformedNote = "written to " + rejects;
    }
    var out = spec.commandLine().getOut();
    out.print(json ? stats.toJson() + "\n" : StatsReport.render(stats, malformedNote));
    out.flush();
    note.print(spec.commandLine().getErr(), rejects != null);
    return 0;
  }
}
