package dev.refinery.run;

import dev.refinery.RefineryException;
import dev.refinery.dataset.Rejected;
import dev.refinery.dataset.RejectsWriter;
import dev.refinery.internal.IoErrors;
import dev.refinery.io.FileKind;
import dev.refinery.io.InputSplit;
import dev.refinery.io.LineNumbers;
import dev.refinery.io.Location;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The files of {@code rejects/} with the input's undecodable records, one per input file as if
 * every file were one partition: a run writes them per partition in the work folder and joins
 * them at the end, so how the input was split changes neither the names nor the bytes. A JSON
 * line that a partition could only place by byte offset gets its line number here, counted once
 * per file up to its last reject. (Dropped rows go straight into their files: {@link
 * DroppedFiles}.)
 */
public final class RejectFiles {
  private RejectFiles() {}

  /**
   * Writes rejects/input-*.jsonl from the pieces of the input stage's partitions over {@code
   * splits}, one target file at a time on each of {@code workers} threads; a piece-less or empty
   * target is removed. Idempotent: the pieces stay in the work folder until the run is finished.
   */
  public static void assemble(RunFolder folder, List<InputSplit> splits, int workers) {
    Map<Integer, List<Integer>> partsOfFile = new TreeMap<>();
    for (int p = 0; p < splits.size(); p++) {
      partsOfFile.computeIfAbsent(splits.get(p).fileIndex(), k -> new ArrayList<>()).add(p);
    }
    List<TargetWrite> targets = new ArrayList<>();
    for (Map.Entry<Integer, List<Integer>> e : partsOfFile.entrySet()) {
      int file = e.getKey();
      List<Integer> parts = e.getValue();
      targets.add(() -> undecodable(folder.undecodable(file),
          parts.stream().map(folder::undecodablePart).toList(),
          parts.stream().map(splits::get).toList()));
    }
    try {
      Files.createDirectories(folder.rejects());
      InOrder.run(targets, workers, (i, target) -> {
        try {
          target.write();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        return i;
      }, i -> { });
    } catch (IOException e) {
      throw new RefineryException(folder.rejects() + ": cannot write: " + IoErrors.reason(e), e);
    } catch (UncheckedIOException e) {
      throw new RefineryException(folder.rejects() + ": cannot write: "
          + IoErrors.reason(e.getCause()), e);
    }
  }

  /** Writing one target file. */
  private interface TargetWrite {
    void write() throws IOException;
  }

  private static void copy(List<Path> pieces, Path target) throws IOException {
    dev.refinery.io.AtomicFile out = new dev.refinery.io.AtomicFile(target);
    if (pieces.size() == 1 && link(pieces.get(0), out.temp())) {
      // One piece (an input file read as one partition) is the file: a second name for it instead
      // of a copy. The piece is never written again (a redone partition writes a new file under
      // its name), so both names keep these bytes. Renaming a link onto another name of the same file does nothing (POSIX
      // rename), which an assemble run a second time would do: the temp name is removed instead.
      if (Files.exists(target) && Files.isSameFile(target, out.temp())) {
        out.abort();
      } else {
        out.commit();
      }
      return;
    }
    // Channel to channel: the kernel copies the bytes (sendfile), not a loop through the heap.
    try (FileChannel o = FileChannel.open(out.temp(), StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      for (Path p : pieces) {
        try (FileChannel in = FileChannel.open(p, StandardOpenOption.READ)) {
          long size = in.size();
          for (long at = 0; at < size; ) {
            at += in.transferTo(at, size - at, o);
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      out.abort();
      throw e;
    }
    out.commit();
  }

  /** Links {@code name} to {@code existing}; false where the file system has no hard links. */
  private static boolean link(Path existing, Path name) {
    try {
      Files.createLink(name, existing);
      return true;
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return false;
    }
  }

  private static List<Path> nonEmpty(List<Path> pieces) throws IOException {
    List<Path> present = new ArrayList<>();
    for (Path p : pieces) {
      if (Files.exists(p) && Files.size(p) > 0) {
        present.add(p);
      }
    }
    return present;
  }

  private static void undecodable(Path target, List<Path> pieces, List<InputSplit> splits)
      throws IOException {
    List<Path> present = nonEmpty(pieces);
    if (present.isEmpty()) {
      Files.deleteIfExists(target);
      return;
    }
    // Only a JSONL part that does not start its file places lines by byte offset.
    if (splits.stream().noneMatch(s -> s.start() > 0 && s.file().kind() == FileKind.JSONL)) {
      copy(present, target);
      return;
    }
    try (RejectsWriter out = new RejectsWriter(target);
         LineNumbers lines = new LineNumbers(splits.get(0).file().path())) {
      for (Path piece : present) {
        RejectsWriter.read(piece, r -> {
          Location at = r.location();
          if (at.line() < 0 && at.byteOffset() >= 0) {
            at = Location.line(at.file(), lines.lineAt(at.byteOffset()));
          }
          out.reject(new Rejected(at, r.reason(), r.raw()));
        });
      }
    }
  }
}
