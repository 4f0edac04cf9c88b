package dev.refinery.cli;

import dev.refinery.io.Inputs;
import dev.refinery.io.OutputFolder;
import dev.refinery.pipeline.LocalRunner;
import dev.refinery.pipeline.Pipeline;
import dev.refinery.pipeline.PipelineSpec;
import dev.refinery.pipeline.StepStats;
import dev.refinery.run.InOrder;
import java.io.PrintWriter;
import java.nio.file.Path;
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
      + "(after a crash or kill); finished partitions are skipped.")
  boolean resume;

  @Option(names = "--workers", paramLabel = "N",
      description = "Worker threads (default: all cores).")
  int workers = InOrder.defaultThreads();

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PipelineSpec parsed = PipelineSpec.read(pipelineFile);
    Pipeline pipeline = Pipeline.compile(parsed);
    ProgressDisplay progress = ProgressDisplay.forStderr(spec.commandLine().getErr());
    Path output = parsed.output().path();
    String input = parsed.input().path().toString();
    OutputFolder.checkApart(output, Outputs.inputs(input, Inputs.resolve(input,
        parsed.input().splits())));
    LocalRunner.Result r;
    // The run folder's own .work/ marks it unfinished until the run ends.
    try (OutputFolder lock = Outputs.lock(spec, output)) {
      r = LocalRunner.run(pipeline,
          new LocalRunner.Options(Math.max(1, workers), resume, progress));
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
    boolean tokenized = java.nio.file.Files.isDirectory(r.runFolder().resolve("tokenized"));
    out.println("run folder: " + r.runFolder() + " (" + r.shards().size() + " shards in data/, "
        + (tokenized ? "tokenized/, " : "") + "stats.json, rejects/, run.log, manifest.json"
        + (java.nio.file.Files.exists(r.runFolder().resolve("blend_manifest.json"))
        ? ", blend_manifest.json" : "") + ")");
    out.flush();
    return r.conserved() ? 0 : 1;
  }
}
