package dev.refinery.cli;

import dev.refinery.RefineryException;
import dev.refinery.format.Format;
import dev.refinery.format.Formats;
import dev.refinery.io.InputFile;
import dev.refinery.io.Inputs;
import dev.refinery.io.OutputFolder;
import dev.refinery.pipeline.CommandSteps;
import dev.refinery.pipeline.Pipeline;
import dev.refinery.pipeline.PipelineSpec;
import dev.refinery.pipeline.Sinks;
import dev.refinery.run.Runner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;


/**
 * Rewrites a dataset from one record layout to another. Every record read is either written or
 * rejected: it may not decode, not be expressible in the target layout, or not fit the output's
 * Parquet schema. Records without a uuid get their {@link ContentUuid}, so the same input always
 * gives the same bytes out.
 */
@Command(name = "convert",
    description = "Convert a dataset between formats (nemotron, openai, sharegpt, alpaca, "
        + "llama-nemotron).",
    footer = {"", "Examples:",
        "  refinery convert --to nemotron glaive_toolcall_en_demo.json glaive.jsonl",
        "  refinery convert --from openai --to sharegpt data/ out.jsonl.zst --rejects bad.jsonl",
        "  refinery convert --to alpaca --to-columns instruction=problem,output=generated_solution"
            + " nemotron.jsonl omi.jsonl"})
final class ConvertCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "IN",
      description = "A file (.parquet, .jsonl[.gz|.zst], .json), a glob, or a dataset folder.")
  String in;

  @Parameters(index = "1", paramLabel = "OUT",
      description = "The output file; its name picks .parquet, .jsonl[.gz|.zst] or .json (a "
          + "JSON array).")
  Path out;

  @Option(names = "--from", paramLabel = "FMT", defaultValue = "auto",
      description = "Input format: auto (the default, told by the first record), "
          + "nemotron, openai, sharegpt, alpaca, llama-nemotron.")
  String from;

  @Option(names = "--to", paramLabel = "FMT", required = true,
      description = "Output format: nemotron, openai, sharegpt, alpaca, llama-nemotron.")
  String to;

  @Option(names = "--columns", paramLabel = "MAP",
      description = "For the input: read its columns under other names, "
          + "FORMAT_COLUMN=RECORD_COLUMN,... (e.g. --from alpaca --columns "
          + "instruction=problem,output=generated_solution).")
  String columns;

  @Option(names = "--to-columns", paramLabel = "MAP",
      description = "For the output: write the --to format's columns under other names, "
          + "FORMAT_COLUMN=RECORD_COLUMN,... (e.g. --to alpaca --to-columns "
          + "instruction=problem,output=generated_solution).")
  String toColumns;

  @Option(names = "--split", split = ",", paramLabel = "SPLIT",
      description = "Only these splits (e.g. code,math); 'tool' means tool_calling.")
  List<String> splits = new ArrayList<>();

  @Option(names = "--rejects", paramLabel = "FILE",
      description = "Write records that cannot be converted here (JSON Lines with file, line, "
          + "reason and the raw record) and go on; without it the first one stops the run.")
  Path rejects;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Mixin
  RunOptions run;

  @Override
  public Integer call() {
    Format target = Formats.withColumns(Formats.byName(to), toColumns);
    List<InputFile> files = Inputs.resolve(in, splits);
    if (columns != null && "auto".equals(from)) {
      throw new RefineryException("--columns needs --from: which format's columns are named?");
    }
    Format source = Formats.withColumns(
        "auto".equals(from) ? Formats.detect(files.get(0)) : Formats.byName(from), columns);
    Outputs.apart(Outputs.inputs(in, files), out, rejects);
    Runner.Result r;
    try (OutputFolder lock = Outputs.lockFile(spec, out)) {
      r = CommandRun.run(spec, Pipeline.canned(
          new PipelineSpec.Input(Inputs.path(in), from, splits, columns, "convert IN"),
          List.of(CommandSteps.contentUuid()), Sinks.file(out, target, rejects), 0,
          "refinery convert"), run);
    }
    spec.commandLine().getOut().println("read " + r.read() + ", written " + r.written()
        + ", rejected " + r.rejected() + " (" + source.name() + " -> " + target.name()
        + "; output " + out + (rejects == null ? "" : "; rejects " + rejects) + ")");
    return 0;
  }
}
