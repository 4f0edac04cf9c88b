package dev.refinery.tokenize;

import dev.refinery.RefineryException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The file formats tokenized output can be written in. */
public enum TokenizedFormat {
  /** One JSON object per sample or packed sequence; OUT is a .jsonl[.gz|.zst] file. */
  JSONL,
  /** One row per sample or packed sequence; OUT is a .parquet file. */
  PARQUET,
  /** A Megatron-LM indexed dataset; OUT is the prefix of OUT.bin and OUT.idx (ids only). */
  MEGATRON;

  public static TokenizedFormat parse(String name) {
    String n = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
    for (TokenizedFormat f : values()) {
      if (f.toString().equals(n)) {
        return f;
      }
    }
    throw new RefineryException("unknown output format '" + name
        + "'; use jsonl, parquet or megatron");
  }

  /** Throws a one-line error when {@code out} is not a name this format can write. */
  public void checkTarget(Path out) {
    String name = out.getFileName().toString();
    if (this == JSONL && !name.endsWith(".jsonl") && !name.endsWith(".jsonl.gz")
        && !name.endsWith(".jsonl.zst")) {
      throw new RefineryException(out + ": the output is JSON Lines; name it .jsonl, "
          + ".jsonl.gz or .jsonl.zst");
    }
    if (this == PARQUET && !name.endsWith(".parquet")) {
      throw new RefineryException(out + ": the output is Parquet; name it .parquet");
    }
  }

  /** The files written for {@code out}. */
  public List<Path> files(Path out) {
    if (this == MEGATRON) {
      return List.of(out.resolveSibling(out.getFileName() + ".bin"),
          out.resolveSibling(out.getFileName() + ".idx"));
    }
    return List.of(out);
  }

  /** Where the token statistics go by default: {@code OUT.stats.json}. */
  public Path defaultStats(Path out) {
    return out.resolveSibling(out.getFileName() + ".stats.json");
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
