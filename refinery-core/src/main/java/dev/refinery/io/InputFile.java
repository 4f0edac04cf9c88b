package dev.refinery.io;

import java.nio.file.Path;

/**
 * One file of a dataset and the split it belongs to (from the Hugging Face layout {@code
 * data/<split>-NNNNN-of-NNNNN.parquet}), or a null split when its name does not say.
 */
public record InputFile(Path path, String split, FileKind kind) {

  @Override
  public String toString() {
    return path.toString();
  }
}
