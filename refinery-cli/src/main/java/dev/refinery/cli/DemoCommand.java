package dev.refinery.cli;

import dev.refinery.RefineryException;
import dev.refinery.dataset.RejectsWriter;
import dev.refinery.demo.Plant;
import dev.refinery.demo.SampleData;
import dev.refinery.format.Formats;
import dev.refinery.io.InputFile;
import dev.refinery.io.Inputs;
import dev.refinery.stats.DatasetStats;
import dev.refinery.stats.StatsCollector;
import dev.refinery.validate.ValidationReport;
import dev.refinery.validate.Validator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The main job on the embedded demo data: writes a sample dataset in the Nemotron v1 layout, runs
 * stats and validate on it, checks that validate found every defect the generator planted, and
 * says where everything is.
 */
@Command(name = "demo",
    description = "Make a sample dataset in the Nemotron v1 layout (all five splits, planted "
        + "defects), run stats and validate on it, and show where everything is.",
    footer = {"", "Examples:",
        "  refinery demo",
        "  refinery demo --dir /tmp/demo --rows 20000"})
final class DemoCommand implements Callable<Integer> {
  /** Marks a folder as the demo's own, so a re-run may clear it and nothing else. */
  static final String MARKER = ".refinery-demo";

  /** The folder the example pipelines and the README read; git ignores it. */
  static final String DEFAULT_DIR = "refinery-demo";
  /** How the README runs the CLI from the repository root. */
  private static final String LAUNCHER = "bin/refinery";

  @Option(names = "--dir", defaultValue = DEFAULT_DIR, paramLabel = "DIR",
      description = "Work folder (default: ${DEFAULT-VALUE}); a previous demo there is replaced.")
  Path dir;

  @Option(names = "--rows", defaultValue = "5000", paramLabel = "N",
      description = "Rows to generate (default: ${DEFAULT-VALUE}).")
  long rows;

  @Option(names = "--seed", defaultValue = "42", paramLabel = "S",
      description = "Seed of the generator (default: ${DEFAULT-VALUE}).")
  long seed;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    long started = System.nanoTime();
    prepare(dir);

    out.println("== 1. sample-data: " + rows + " rows in the Nemotron v1 layout");
    SampleData.Summary data = SampleData.write(dir, SampleData.Spec.of(rows, seed));
    out.println("wrote " + data.files().size() + " Parquet files (" + data.bytes() / 1024
        + " KiB) to " + dir.resolve("data"));
    data.rowsPerSplit().forEach((split, n) -> out.printf(Locale.ROOT, "  %-13s %,d%n", split, n));
    out.println();

    List<InputFile> files = Inputs.resolve(dir.toString());
    out.println("== 2. stats");
    DatasetStats stats = StatsCollector.collect(files, Formats.nemotron(), r -> { });
    out.print(StatsReport.render(stats, "none expected"));
    Files.writeString(dir.resolve("stats.json"), stats.toJson() + "\n");
    out.println();

    out.println("== 3. validate");
    Path rejects = dir.resolve("rejects.jsonl");
    ValidationReport report;
    try (RejectsWriter writer = new RejectsWriter(rejects)) {
      report = new Validator().validate(files, Formats.nemotron(), writer);
    }
    out.print(report.summary());
    Files.writeString(dir.resolve("validate.json"), report.toJson() + "\n");
    out.println();

    boolean found = checkPlanted(out, data, report, stats);
    double seconds = (System.nanoTime() - started) / 1e9;
    out.println();
    out.println("Everything is in " + dir.toAbsolutePath() + ":");
    out.println("  data/            the dataset (Parquet, Hugging Face v1 layout)");
    out.println("  README.md        how it was made and what each split holds");
    out.println("  planted.json     the defects the generator planted, by kind");
    out.println("  stats.json       " + LAUNCHER + " stats " + dir + " --json");
    out.println("  validate.json    " + LAUNCHER + " validate " + dir + " --json");
    out.println("  rejects.jsonl    undecodable records (none expected)");
    out.println("Try next (from the repository root; what they write stays in " + dir + "):");
    nextCommands(dir, data.files()).forEach(c -> out.println("  " + c));
    out.printf(Locale.ROOT, "demo finished in %.1f s%n", seconds);
    out.flush();
    return found ? 0 : 1;
  }

  /**
   * Commands to try on the demo's folder, runnable as printed from the repository root; what they
   * write stays in the folder, so nothing lands untracked in the repository. The example
   * pipelines read the default folder, so they are offered only for it.
   */
  static List<String> nextCommands(Path dir, List<Path> files) {
    Path chat = files.stream().filter(f -> "chat".equals(Inputs.splitOf(f))).findFirst()
        .orElse(files.get(0));
    List<String> commands = new ArrayList<>(List.of(
        LAUNCHER + " show " + dir + " --split tool --n 1",
        LAUNCHER + " stats " + dir + " --split math,code",
        LAUNCHER + " convert --to sharegpt " + chat + " " + dir.resolve("chat.jsonl")));
    if (dir.equals(Path.of(DEFAULT_DIR))) {
      commands.add(LAUNCHER + " run examples/prompts.yaml");
    }
    return commands;
  }

  /**
   * Every planted defect must show up: as a rule break, or (for an empty assistant turn) as an
   * empty sample; the documented placeholders must count as external prompts, not defects.
   */
  private static boolean checkPlanted(PrintWriter out, SampleData.Summary data,
      ValidationReport report, DatasetStats stats) {
    long planted = data.defects();
    long placeholders = data.planted().entrySet().stream()
        .filter(e -> !e.getKey().isDefect()).mapToLong(e -> e.getValue()).sum();
    long flagged = report.samplesWithIssues() + report.emptySamples();
    boolean ok = flagged == planted && report.externalPromptSamples() == placeholders
        && report.malformedSamples() == 0 && stats.totalSamples() == data.totalRows();
    out.println("== 4. check: " + (ok ? "OK" : "MISMATCH"));
    out.printf(Locale.ROOT, "  planted defects %,d, flagged by validate %,d (%,d with issues + "
        + "%,d empty)%n", planted, flagged, report.samplesWithIssues(), report.emptySamples());
    out.printf(Locale.ROOT, "  planted placeholders %,d, external prompts %,d%n", placeholders,
        report.externalPromptSamples());
    out.printf(Locale.ROOT, "  rows written %,d, read by stats %,d, malformed %,d%n",
        data.totalRows(), stats.totalSamples(), report.malformedSamples());
    if (!ok) {
      for (Plant p : Plant.values()) {
        out.println("  planted " + p.key() + ": " + data.planted().get(p));
      }
    }
    return ok;
  }

  /** Clears a previous demo's folder; refuses a folder that holds anything else. */
  private static void prepare(Path dir) throws IOException {
    if (Files.exists(dir)) {
      boolean ours = Files.exists(dir.resolve(MARKER));
      boolean empty;
      try (Stream<Path> s = Files.list(dir)) {
        empty = s.findAny().isEmpty();
      }
      if (!ours && !empty) {
        throw new RefineryException(dir + ": folder exists and is not a previous demo's; "
            + "choose another with --dir");
      }
      try (Stream<Path> s = Files.walk(dir)) {
        s.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(dir)).forEach(p -> {
          try {
            Files.delete(p);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
      }
    }
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(MARKER), "written by refinery demo; the folder is replaced on "
        + "the next run\n");
  }
}
