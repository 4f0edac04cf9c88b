package dev.refinery.cli;

import dev.refinery.demo.Plant;
import dev.refinery.demo.SampleData;
import dev.refinery.io.FileKind;
import dev.refinery.io.OutputFolder;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Writes a deterministic synthetic dataset in the Nemotron v1 Hugging Face layout. */
@Command(name = "sample-data",
    description = "Write a deterministic synthetic dataset in the Nemotron Post-Training Dataset "
        + "v1 layout (DIR/data/<split>-NNNNN-of-NNNNN.parquet, README.md, planted.json), with a "
        + "few planted defects for validate to find.",
    footer = {"", "Examples:",
        "  refinery sample-data --out demo",
        "  refinery sample-data --out bench --rows 4000000 --seed 7 --file-format jsonl"})
final class SampleDataCommand implements Callable<Integer> {
  enum FileFormat { parquet, jsonl }

  @Option(names = "--out", required = true, paramLabel = "DIR",
      description = "Folder to write; its data/ subfolder must not hold data files yet.")
  Path outDir;

  @Option(names = "--rows", defaultValue = "1000", paramLabel = "N",
      description = "Total rows over all splits (default: ${DEFAULT-VALUE}).")
  long rows;

  @Option(names = "--seed", defaultValue = "42", paramLabel = "S",
      description = "Same rows and seed give byte-identical files (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--file-format", defaultValue = "parquet", paramLabel = "FMT",
      description = "parquet or jsonl (default: ${DEFAULT-VALUE}).")
  FileFormat fileFormat;

  @Option(names = "--shard-rows", defaultValue = "" + SampleData.DEFAULT_SHARD_ROWS,
      paramLabel = "K", description = "At most K rows per file (default: ${DEFAULT-VALUE}).")
  long shardRows;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    SampleData.Spec request = new SampleData.Spec(rows, seed,
        fileFormat == FileFormat.parquet ? FileKind.PARQUET : FileKind.JSONL, shardRows);
    long started = System.nanoTime();
    SampleData.Summary summary;
    try (OutputFolder lock = Outputs.lock(spec, outDir)) {
      summary = SampleData.write(outDir, request,
          (file, n) -> out.println("  wrote " + outDir.relativize(file) + " (" + n + " rows)"));
    }
    double seconds = (System.nanoTime() - started) / 1e9;

    out.println("Wrote " + summary.totalRows() + " rows in " + summary.files().size()
        + " files (" + megabytes(summary.bytes()) + " MB, "
        + String.format(Locale.ROOT, "%.1f", seconds) + " s) to " + outDir);
    out.println("Rows per split:");
    summary.rowsPerSplit().forEach((split, n) -> out.println("  " + pad(split) + n));
    out.println("Planted (" + summary.defects() + " defects; counts in planted.json):");
    for (Map.Entry<Plant, Long> e : summary.planted().entrySet()) {
      out.println("  " + pad(e.getKey().key()) + e.getValue()
          + (e.getKey().isDefect() ? "" : "  (placeholder, not a defect)"));
    }
    out.flush();
    return 0;
  }

  private static String megabytes(long bytes) {
    return String.format(Locale.ROOT, "%.1f", bytes / 1e6);
  }

  private static String pad(String s) {
    return s.length() >= 28 ? s + " " : s + " ".repeat(28 - s.length());
  }
}
