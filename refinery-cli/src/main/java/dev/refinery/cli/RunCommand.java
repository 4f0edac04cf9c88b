package dev.refinery.cli;

import dev.refinery.io.Inputs;
import dev.refinery.io.OutputFolder;
import dev.refinery.pipeline.Pipeline;
import dev.refinery.pipeline.PipelineSpec;
import dev.refinery.pipeline.StepStats;
import dev.refinery.run.InOrder;
import dev.refinery.run.Runner;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Runs a curation pipeline described in YAML on this machine. */
@Command(name = "run",
    description = "Run a curation pipeline (YAML: input, steps, output, seed) on all cores. The "
        + "output path becomes a run folder: data/ shards, stats.json, rejects/, run.log, "
        + "manifest.json, and tokenized/ when the last step is tokenize.",
    footer = {"", "Examples:",
        "  refinery run curate.yaml",
        "  refinery run curate.yaml --resume --workers 8",
        "  refinery steps        # every step and filter with its parameters"})
final class RunCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "PIPELINE.yaml")
  Path pipelineFile;

  @Option(names = "--resume", description = "Go on with an unfinished run in the output folder "
      + "(after a crash, kill or Ctrl-C); finished partitions are skipped. On a finished run: "
      + "nothing to do, or its failed requests (generation_failed, judge_failed) are sent again.")
  boolean resume;

  @Option(names = "--workers", paramLabel = "N",
      description = "Worker threads (default: all cores).")
  int workers = InOrder.defaultThreads();

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** Ctrl-C's conventional status (128 + SIGINT); the JVM itself exits with the signal's. */
  private static final int STOPPED = 130;

  /** The command line that goes on with this run, as the user would type it again. */
  String resumeCommand() {
    String launcher = System.getenv("REFINERY_LAUNCHER");
    List<String> words = new ArrayList<>(List.of(
        launcher == null || launcher.isBlank() ? "refinery" : launcher, "run",
        pipelineFile.toString(), "--resume"));
    if (spec.commandLine().getParseResult().hasMatchedOption("--workers")) {
      words.add("--workers");
      words.add(String.valueOf(workers));
    }
    return words.stream().map(RunCommand::shellQuoted).collect(Collectors.joining(" "));
  }

  private static String shellQuoted(String word) {
    return word.matches("[A-Za-z0-9_./=:@%+,-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PipelineSpec parsed = PipelineSpec.read(pipelineFile);
    Pipeline pipeline = Pipeline.compile(parsed);
    ProgressDisplay progress = ProgressDisplay.forStderr(spec.commandLine().getErr());
    PrintWriter err = spec.commandLine().getErr();
    Path output = parsed.output().path();
    for (PipelineSpec.Source source : parsed.input().sources()) {
      String named = source.path().toString();
      OutputFolder.checkApart(output, Outputs.inputs(named, Inputs.resolve(named,
          source.splits())));
    }
    if (parsed.input().sources().isEmpty()) {
      String input = parsed.input().path().toString();
      OutputFolder.checkApart(output, Outputs.inputs(input, Inputs.resolve(input,
          parsed.input().splits())));
    }
    Runner.Result r;
    // The run folder's own .work/ marks it unfinished until the run ends.
    try (OutputFolder lock = Outputs.lock(spec, output)) {
      r = Runner.local().run(pipeline, new Runner.Options(Math.max(1, workers), resume,
          progress, () -> {
            err.println();
            err.println("stopped: finished work is kept in " + parsed.output().path()
                + "; to go on, run:");
            err.println("  " + resumeCommand());
            err.flush();
          }));
    } catch (Runner.Stopped e) {
      return STOPPED; // the JVM is exiting with the signal's status; the hint is printed
    }
    if (r.alreadyFinished()) {
      out.println("run folder: " + r.runFolder() + " holds a finished run of this pipeline; "
          + "nothing to do (" + r.balance() + ")");
      out.flush();
      return r.conserved() ? 0 : 1;
    }
    out.println(String.format(Locale.ROOT, "%-40s %12s %12s  %s", "step", "in", "out",
        "dropped"));
    for (StepStats s : r.steps()) {
      out.println(String.format(Locale.ROOT, "%-40s %,12d %,12d  %s", s.name(), s.in(), s.out(),
          s.dropped().isEmpty() ? "-" : s.dropped().entrySet().stream()
              .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "))));
      if (s.repeated() != 0) {
        out.println(String.format(Locale.ROOT, "%-40s repeated=%,d (extra copies passed on)", "",
            s.repeated()));
      }
      if (!s.counted().isEmpty()) {
        out.println(String.format(Locale.ROOT, "%-40s %s", "", s.counted().entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "))));
      }
    }
    out.println(r.balance() + " (" + (r.conserved() ? "conserved" : "NOT CONSERVED") + ")");
    if (r.failedRequests() > 0) {
      out.println(r.failedRequests() + " requests failed (see rejects/); to send them again: "
          + resumeCommand());
    }
    boolean tokenized = Files.isDirectory(r.runFolder().resolve("tokenized"));
    out.println("run folder: " + r.runFolder() + " (" + r.shards().size() + " shards in data/, "
        + (tokenized ? "tokenized/, " : "") + "stats.json, rejects/, run.log, manifest.json"
        + (Files.exists(r.runFolder().resolve("blend_manifest.json"))
        ? ", blend_manifest.json" : "") + ")");
    out.flush();
    return r.conserved() ? 0 : 1;
  }
}
