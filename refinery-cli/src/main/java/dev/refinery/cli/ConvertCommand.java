package dev.refinery.cli;

import dev.refinery.RefineryException;
import dev.refinery.dataset.RejectHandler;
import dev.refinery.dataset.Rejected;
import dev.refinery.dataset.RejectsWriter;
import dev.refinery.dataset.SampleReader;
import dev.refinery.dataset.SampleWriter;
import dev.refinery.format.Format;
import dev.refinery.format.Formats;
import dev.refinery.format.SchemaException;
import dev.refinery.io.InputFile;
import dev.refinery.io.OutputFolder;
import dev.refinery.io.Inputs;
import dev.refinery.io.RowSchemaMismatchException;
import dev.refinery.sample.ContentUuid;
import dev.refinery.sample.Sample;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
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

  @Override
  public Integer call() throws IOException {
    Format target = Formats.withColumns(Formats.byName(to), toColumns);
    List<InputFile> files = Inputs.resolve(in, splits);
    if (columns != null && "auto".equals(from)) {
      throw new RefineryException("--columns needs --from: which format's columns are named?");
    }
    Format source = Formats.withColumns(
        "auto".equals(from) ? Formats.detect(files.get(0)) : Formats.byName(from), columns);
    Outputs.apart(Outputs.inputs(in, files), out, rejects);
    OutputFolder lock = Outputs.lockFile(spec, out);
    RejectsWriter rejectsWriter = null;
    long written;
    long read;
    long rejected;
    try {
      rejectsWriter = rejects == null ? null : new RejectsWriter(rejects);
      RejectHandler onReject = rejectsWriter == null ? RejectHandler.FAIL : rejectsWriter;
      SampleWriter writer = SampleWriter.create(out, target);
      long notWritten = 0;
      try (SampleReader reader = SampleReader.open(files, source, onReject)) {
        while (reader.hasNext()) {
          Sample sample = reader.next();
          if (sample.uuid() == null) {
            sample = sample.withUuid(ContentUuid.of(sample));
          }
          try {
            writer.write(sample);
          } catch (SchemaException | RowSchemaMismatchException e) {
            notWritten++;
            onReject.reject(new Rejected(reader.currentLocation(),
                "cannot write as " + target.name() + ": " + e.getMessage(),
                reader.currentRawText()));
          }
        }
        read = reader.read();
        rejected = reader.rejected() + notWritten;
        written = writer.written();
      } catch (RuntimeException e) {
        writer.abort();
        throw e;
      }
      writer.close();
    } finally {
      if (rejectsWriter != null) {
        rejectsWriter.close();
      }
      lock.close();
    }
    if (read != written + rejected) {
      throw new IllegalStateException("counts do not add up: read " + read + ", written "
          + written + ", rejected " + rejected);
    }
    spec.commandLine().getOut().println("read " + read + ", written " + written + ", rejected "
        + rejected + " (" + source.name() + " -> " + target.name() + "; output " + out
        + (rejectsWriter == null ? "" : "; rejects " + rejectsWriter.path()) + ")");
    return 0;
  }
}
