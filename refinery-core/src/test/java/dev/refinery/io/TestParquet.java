package dev.refinery.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Writes Parquet files with small row groups, for tests outside this package. */
public final class TestParquet {
  private TestParquet() {}

  public static void write(Path file, List<Map<String, Object>> rows, int rowsPerGroup)
      throws IOException {
    try (ParquetRowWriter w = new ParquetRowWriter(file, NemotronParquetSchema.V1, null,
        ParquetRowWriter.DEFAULT_ROW_GROUP_SIZE, rowsPerGroup, 1)) {
      for (Map<String, Object> row : rows) {
        w.write(row);
      }
    }
  }
}
