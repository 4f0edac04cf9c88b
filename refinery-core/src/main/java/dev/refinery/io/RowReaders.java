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

}
