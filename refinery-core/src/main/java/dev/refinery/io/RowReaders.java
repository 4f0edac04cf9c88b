package dev.refinery.io;

import dev.refinery.RefineryException;
import dev.refinery.internal.Errors;
import java.io.IOException;

/** Opens the right {@link RowReader} for a file. */
public final class RowReaders {
  private RowReaders() {}

  public static RowReader open(InputFile file) {
    try {
      return switch (file.kind()) {
        case PARQUET -> new ParquetRowReader(file.path());
        case JSONL -> new JsonlRowReader(file.path());
        case JSON_ARRAY -> new JsonArrayRowReader(file.path());
      };
    } catch (IOException e) {
      throw new RefineryException(file.path() + ": cannot read: " + Errors.firstLine(e), e);
    }
  }

  /**
   * {@code reader} with its rows read ahead on a thread of their own (see {@link
   * ReadAheadRowReader}); closing it stops that thread and closes {@code reader}.
   */
  public static RowReader readAhead(RowReader reader) {
    return new ReadAheadRowReader(reader);
  }

  /** A reader of only the records a split owns; see {@link InputSplit}. */
  public static RowReader open(InputSplit split) {
    if (split.isWhole()) {
      return open(split.file());
    }
    InputFile file = split.file();
    try {
      return switch (file.kind()) {
        case PARQUET -> new ParquetRowReader(file.path(), Math.toIntExact(split.start()),
            Math.toIntExact(split.end() - split.start()));
        case JSONL -> new JsonlRowReader(file.path(), split.start(), split.end());
        case JSON_ARRAY -> throw new IllegalArgumentException(file + ": a JSON array is read whole");
      };
    } catch (IOException e) {
      throw new RefineryException(file.path() + ": cannot read: " + Errors.firstLine(e), e);
    }
  }
}
