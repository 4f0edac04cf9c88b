package dev.refinery.io;

import dev.refinery.RefineryException;
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
      throw new RefineryException(file.path() + ": cannot read: " + oneLine(e), e);
    }
  }

  static String oneLine(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
