package dev.refinery.io;

/**
 * Where a record came from: a file and either a line (JSONL, JSON arrays) or a row group and a
 * row within it (Parquet). Numbers are 1-based for lines and 0-based for row groups and rows, as
 * the tools users compare against print them.
 */
public record Location(String file, long line, int rowGroup, long row) {

  public static Location line(String file, long line) {
    return new Location(file, line, -1, -1);
  }

  public static Location rowGroup(String file, int rowGroup, long row) {
    return new Location(file, -1, rowGroup, row);
  }

  public static Location file(String file) {
    return new Location(file, -1, -1, -1);
  }

  @Override
  public String toString() {
    if (line >= 0) {
      return file + ":" + line;
    }
    if (rowGroup >= 0) {
      return file + " (row group " + rowGroup + (row >= 0 ? ", row " + row : "") + ")";
    }
    return file;
  }
}
