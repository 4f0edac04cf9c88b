package dev.refinery.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A file written under a temporary name in its target folder and renamed into place only when
 * complete, so a crash never leaves a truncated file under the final name.
 */
public final class AtomicFile {
  private final Path target;
  private final Path temp;

  public AtomicFile(Path target) throws IOException {
    this.target = target.toAbsolutePath();
    Path parent = this.target.getParent();
    Files.createDirectories(parent);
    this.temp = parent.resolve("." + target.getFileName() + ".tmp-" + ProcessHandle.current().pid()
        + "-" + System.nanoTime());
    Files.deleteIfExists(temp);
  }

  /**
   * Writes {@code text} (UTF-8) to {@code target} atomically; a failure is a one-line {@link
   * dev.refinery.RefineryException} naming the file.
   */
  public static void writeString(Path target, String text) {
    AtomicFile file = null;
    try {
      file = new AtomicFile(target);
      Files.writeString(file.temp(), text, java.nio.charset.StandardCharsets.UTF_8);
      file.commit();
    } catch (IOException e) {
      if (file != null) {
        file.abort();
      }
      throw new dev.refinery.RefineryException(target + ": cannot write: "
          + dev.refinery.internal.IoErrors.reason(e), e);
    }
  }

  public Path temp() {
    return temp;
  }

  public Path target() {
    return target;
  }

  public void commit() throws IOException {
    move(temp, target);
  }

  /** Renames {@code from} to {@code to}, replacing it, atomically where the file system can. */
  public static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (java.nio.file.AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  public void abort() {
    try {
      Files.deleteIfExists(temp);
    } catch (IOException ignored) {
      // Best effort: a stale temp file has a name no reader picks up.
    }
  }
}
