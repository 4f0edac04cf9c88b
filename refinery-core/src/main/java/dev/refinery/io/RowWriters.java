package dev.refinery.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.MessageType;

/** Opens the right {@link RowWriter} for an output file, chosen by its name. */
public final class RowWriters {
  private RowWriters() {}

  /**
   * @param path where to write (the caller handles atomic renames, so its name may be a temp name)
   * @param compression stream compression of JSON Lines, told by the final name
   * @param knownColumns for Parquet: the types of columns the format fixes (may be null); other
   *     columns get types inferred from the first record
   */
  public static RowWriter open(Path path, FileKind kind, Compression compression,
      MessageType knownColumns, CompressionCodecName codec) throws IOException {
    return switch (kind) {
      case PARQUET -> new ParquetRowWriter(path, knownColumns, codec);
      case JSONL -> new JsonlRowWriter(compression.create(Files.newOutputStream(path)));
      case JSON_ARRAY -> new JsonArrayRowWriter(compression.create(Files.newOutputStream(path)));
    };
  }

  /**
   * The kind a target name asks for: .parquet, .jsonl(.gz|.zst) or .json (a JSON array, as
   * such files are read); null for anything else.
   */
  public static FileKind kindForTarget(Path target) {
    return FileKind.fromName(target);
  }
}
