package dev.refinery.io;

/**
 * Where a record came from: a file and either a line (JSONL, JSON arrays), a row group and a row
 * within it (Parquet), or, for a line of a JSONL split that does not start the file (whose line
 * number is not known without reading everything before it), the byte offset of the line's start.
 * Numbers are 1-based for lines and 0-based for row groups, rows and bytes, as the tools users
 * compare against print them.
 */
public record Location(String file, long line, int rowGroup, long row, long byteOffset) {

  public Location(String file, long line, int rowGroup, long row) {
    this(file, line, rowGroup, row, -1);
  }

  public static Location line(String file, long line) {
    return new Location(file, line, -1, -1, -1);
  }

  public static Location rowGroup(String file, int rowGroup, long row) {
    return new Location(file, -1, rowGroup, row, -1);
  }

  /** A line known only by the byte offset of its start. */
  public static Location byteOffset(String file, long offset) {
    return new Location(file, -1, -1, -1, offset);
  }

  public static Location file(String file) {
    return new Location(file, -1, -1, -1, -1);
  }

  @Override
  public String toString() {
    if (line >= 0) {
      return file + ":" + line;
    }
    if (rowGroup >= 0) {
      return file + " (row group " + rowGroup + (row >= 0 ? ", row " + row : "") + ")";
    }
    if (byteOffset >= 0) {
      return file + " (line at byte " + byteOffset + ")";
    }
    return file;
  }
}
