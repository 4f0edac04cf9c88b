package dev.refinery.io;

import java.nio.file.Path;
import java.util.Locale;

/** The physical encoding of a data file, told by its name (and for .json by its first byte). */
public enum FileKind {
  PARQUET,
  JSONL,
  JSON_ARRAY;

  /** The kind its name says, or null for a name no reader knows. */
  public static FileKind fromName(Path path) {
    String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
    String base = Compression.stripSuffix(name);
    if (base.endsWith(".parquet") && base.equals(name)) {
      return PARQUET;
    }
    if (base.endsWith(".jsonl") || base.endsWith(".ndjson")) {
      return JSONL;
    }
    if (base.endsWith(".json")) {
      // Decided by content in Inputs: '[' starts an array file, '{' a JSON Lines file.
      return JSON_ARRAY;
    }
    return null;
  }

  public static boolean isDataFile(Path path) {
    return fromName(path) != null;
  }
}
