package dev.refinery.io;

/**
 * A part of input file {@code fileIndex} (its place in the run's sorted input) that one task
 * reads: row groups [start, end) of a Parquet file, or the lines that start within bytes [start,
 * end) of an uncompressed JSON Lines file. Compressed JSON Lines and JSON arrays are read whole:
 * start 0, end {@link Long#MAX_VALUE}. Rows get the same ids however a file is split (see {@link
 * RawRow#position()}).
 */
public record InputSplit(InputFile file, int fileIndex, long start, long end) {

  public InputSplit {
    if (start < 0 || end < start) {
      throw new IllegalArgumentException("bad split [" + start + ", " + end + ") of " + file);
    }
  }

  /** The whole of a file. */
  public static InputSplit whole(InputFile file, int fileIndex) {
    return new InputSplit(file, fileIndex, 0, Long.MAX_VALUE);
  }

  public boolean isWhole() {
    return start == 0 && end == Long.MAX_VALUE;
  }

  /** {@code file}, or {@code file [start, end)} for a part of it. */
  @Override
  public String toString() {
    if (isWhole()) {
      return file.toString();
    }
    return file + (file.kind() == FileKind.PARQUET ? " row groups [" : " bytes [") + start + ", "
        + end + ")";
  }
}
