package dev.refinery.cli;

import dev.refinery.RefineryException;
import dev.refinery.dataset.RejectHandler;
import dev.refinery.dataset.SampleReader;
import dev.refinery.format.Format;
import dev.refinery.format.Formats;
import dev.refinery.io.InputFile;
import dev.refinery.io.Inputs;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The input every reading command takes: a path (file, folder or glob), splits, a format. */
final class InputOptions {
  @Parameters(index = "0", paramLabel = "PATH",
      description = "A file (.parquet, .jsonl[.gz|.zst], .json), a glob, or a dataset folder in "
          + "the Hugging Face layout data/<split>-NNNNN-of-NNNNN.parquet.")
  String path;

  @Option(names = "--split", split = ",", paramLabel = "SPLIT",
      description = "Only these splits (e.g. code,math); 'tool' means tool_calling.")
  List<String> splits = new ArrayList<>();

  @Option(names = "--format", paramLabel = "FMT", defaultValue = "auto",
      description = "Record layout of the input: auto (the default, told by the first record), "
          + "nemotron, openai, sharegpt, alpaca, llama-nemotron.")
  String format;

  @Option(names = "--columns", paramLabel = "MAP",
      description = "For the input: read its columns under other names, "
          + "FORMAT_COLUMN=RECORD_COLUMN,... (e.g. "
          + "--format alpaca --columns instruction=problem,output=generated_solution for "
          + "OpenMathInstruct-2 rows).")
  String columns;

  List<InputFile> files() {
    return Inputs.resolve(path, splits);
  }

  /** The input format; for auto, told by the first record of the first file. */
  Format format(List<InputFile> files) {
    if (columns != null && "auto".equals(format)) {
      throw new RefineryException("--columns needs --format: which format's columns are named?");
    }
    Format base = "auto".equals(format) ? Formats.detect(files.get(0)) : Formats.byName(format);
    return Formats.withColumns(base, columns);
  }

  SampleReader open(List<InputFile> files, RejectHandler onReject) {
    return SampleReader.open(files, format(files), onReject);
  }
}
