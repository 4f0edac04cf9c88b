package dev.refinery.cli;

import dev.refinery.RefineryException;
import java.util.Locale;

/** The output file kinds of blend, shard and split. */
final class MixOutput {
  private MixOutput() {}

  static String extension(String format) {
    String f = format == null ? "" : format.trim().toLowerCase(Locale.ROOT);
    return switch (f) {
      case "parquet", "jsonl", "jsonl.gz", "jsonl.zst" -> f;
      default -> throw new RefineryException("unknown --output-format '" + format
          + "'; use parquet, jsonl, jsonl.gz or jsonl.zst");
    };
  }
}
