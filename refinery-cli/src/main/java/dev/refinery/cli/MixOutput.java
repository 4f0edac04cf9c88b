package dev.refinery.cli;

import dev.refinery.RefineryException;
import dev.refinery.dataset.RejectHandler;
import dev.refinery.dataset.RejectsWriter;
import dev.refinery.io.OutputFolder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code --output-format} and {@code --rejects} of blend, interleave, shard and split; {@link
 * #writeInto} for the commands that are not yet runs (shard, split).
 */
final class MixOutput {
  @Option(names = "--output-format", paramLabel = "FMT", defaultValue = "parquet",
      description = "parquet (the default), jsonl, jsonl.gz or jsonl.zst.")
  String outputFormat;

  @Option(names = "--rejects", paramLabel = "FILE",
      description = "Set records that cannot be read (or placed) aside here and go on; without "
          + "it the first one stops the run.")
  Path rejects;

  /** The output files' extension, checked. */
  String extension() {
    String f = outputFormat == null ? "" : outputFormat.trim().toLowerCase(Locale.ROOT);
    return switch (f) {
      case "parquet", "jsonl", "jsonl.gz", "jsonl.zst" -> f;
      default -> throw new RefineryException("unknown --output-format '" + outputFormat
          + "'; use parquet, jsonl, jsonl.gz or jsonl.zst");
    };
  }

  /** The rejects file, or null; the handler to pass on is {@link #handler}. */
  RejectsWriter openRejects() throws IOException {
    return rejects == null ? null : new RejectsWriter(rejects);
  }

  static RejectHandler handler(RejectsWriter writer) {
    return writer == null ? RejectHandler.FAIL : writer;
  }

  /** Writes a mix's files, given where rejected records go. */
  @FunctionalInterface
  interface Writing<R> {
    R write(RejectHandler onReject) throws IOException;
  }

  /**
   * Runs {@code writing} into the new folder {@code dir} ({@link Outputs#create}: locked, marked
   * incomplete, emptied again on failure) with the rejects file open, and commits the folder when
   * it returns.
   */
  <R> R writeInto(CommandSpec spec, Path dir, Writing<R> writing) throws IOException {
    try (OutputFolder folder = Outputs.create(spec, dir)) {
      R result;
      RejectsWriter rejectsWriter = openRejects();
      try {
        result = writing.write(handler(rejectsWriter));
      } finally {
        if (rejectsWriter != null) {
          rejectsWriter.close();
        }
      }
      folder.commit();
      return result;
    }
  }
}
