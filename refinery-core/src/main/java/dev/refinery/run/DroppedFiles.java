package dev.refinery.run;

import dev.refinery.RefineryException;
import dev.refinery.internal.IoErrors;
import dev.refinery.io.AtomicFile;
import dev.refinery.io.InputSplit;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.IntFunction;

/**
 * One stage's files of dropped rows, {@code rejects/dropped-sS-FFFFF.jsonl}, one per input file
 * with its partitions' drops in partition order, written once: the partition at the head of its
 * file (every partition of the file before it finished) writes straight into the file being
 * built in the work folder; a partition that starts dropping rows while an earlier one of its
 * file still runs writes a piece, appended when the head reaches it. The runner schedules
 * partitions of different files side by side ({@link #interleaved}), so pieces are rare. With
 * keep_dropped the drops are most of what a curation run writes (4.4 GB for {@code
 * examples/curate.yaml} on 2.6M rows): they were written as pieces and then copied, twice.
 *
 * <p>A partition's bytes are in its file or in its piece from the moment its completion marker
 * holds their length ({@link PartitionStats#droppedBytes}): opening the files of a resumed stage
 * cuts each back to the drops of its finished head partitions and appends the pieces of the
 * finished ones after them.
 */
final class DroppedFiles {
  private final RunFolder folder;
  private final int stage;
  // By input file index, in sorted order.
  private final Map<Integer, OneFile> files = new TreeMap<>();
  private final OneFile[] fileOfPartition;
  // The lines of the stage's index, as commit writes it.
  private final StringBuilder indexLines = new StringBuilder();

  private DroppedFiles(RunFolder folder, int stage, List<InputSplit> splits) {
    this.folder = folder;
    this.stage = stage;
    this.fileOfPartition = new OneFile[splits.size()];
    for (int p = 0; p < splits.size(); p++) {
      int index = splits.get(p).fileIndex();
      OneFile file = files.computeIfAbsent(index, i -> new OneFile(i));
      file.partitions.add(p);
      fileOfPartition[p] = file;
    }
  }

  /**
   * The dropped-row files of stage {@code stage} over {@code splits} (partition p of every stage
   * reads split p's rows), each as far as the partitions {@code finished} names (their markers;
   * null for a partition to run) left it.
   */
  static DroppedFiles open(RunFolder folder, int stage, List<InputSplit> splits,
      IntFunction<PartitionStats> finished) {
    DroppedFiles d = new DroppedFiles(folder, stage, splits);
    try {
      for (OneFile f : d.files.values()) {
        f.resume(finished);
      }
    } catch (IOException e) {
      throw d.cannotWrite(e);
    }
    return d;
  }

  /**
   * The partitions' indexes in the order to run them: the first partition of every input file,
   * then the second of every file, and so on, so that partitions running side by side belong to
   * different files and each is at the head of its own.
   */
  static List<Integer> interleaved(List<InputSplit> splits) {
    Map<Integer, List<Integer>> byFile = new TreeMap<>();
    for (int p = 0; p < splits.size(); p++) {
      byFile.computeIfAbsent(splits.get(p).fileIndex(), k -> new ArrayList<>()).add(p);
    }
    List<Integer> order = new ArrayList<>(splits.size());
    for (int round = 0; order.size() < splits.size(); round++) {
      for (List<Integer> parts : byFile.values()) {
        if (round < parts.size()) {
          order.add(parts.get(round));
        }
      }
    }
    return order;
  }

  /** Where partition {@code p}'s dropped rows go, opened at its first drop. */
  DroppedWriter.Destination destination(int p) {
    OneFile file = fileOfPartition[p];
    return new DroppedWriter.Destination() {
      @Override
      public OutputStream open() throws IOException {
        return file.open(p);
      }

      @Override
      public void commit() throws IOException {
        file.closed(p);
      }

      @Override
      public void abort() {
        file.abort(p);
      }
    };
  }

  /** The file partition {@code p}'s drops end up in. */
  Path target(int p) {
    return folder.droppedOfInput(stage, fileOfPartition[p].index);
  }

  /** Partition {@code p} starts (again): before its first drop. */
  void starting(int p) {
    try {
      fileOfPartition[p].starting(p);
    } catch (IOException e) {
      throw cannotWrite(e);
    }
  }

  /** The bytes partition {@code p} dropped, after its writer closed: what its marker records. */
  long bytes(int p) {
    return fileOfPartition[p].bytes(p);
  }

  /**
   * Partition {@code p} is finished (its marker is written): when it was its file's head, its
   * bytes are in place, and so are those of the finished pieces after it.
   */
  void finished(int p) {
    try {
      fileOfPartition[p].finished(p);
    } catch (IOException e) {
      throw cannotWrite(e);
    }
  }

  /**
   * Gives every file of the stage its final name (every partition finished); a file without drops
   * is removed. Idempotent.
   */
  void commit() {
    try {
      indexLines.setLength(0);
      for (OneFile f : files.values()) {
        f.commit();
      }
      AtomicFile.writeString(index(folder, stage), indexLines.toString());
    } catch (IOException e) {
      throw cannotWrite(e);
    }
  }

  private void index(int partition, int file, long start, long bytes) {
    indexLines.append(partition).append(' ').append(file).append(' ').append(start).append(' ')
        .append(bytes).append('\n');
  }

  /**
   * Where a committed stage's partitions have their drops (lines of partition, input file,
   * start, length), for {@link #explode}. In the work folder, which a finished run keeps only
   * when requests failed.
   */
  private static Path index(RunFolder folder, int stage) {
    return folder.work().resolve("rejects").resolve("dropped-s" + stage + ".index");
  }

  /**
   * Cuts a committed stage's files back into one piece per partition (a finished run reopened to
   * retry failed requests redoes some partitions: the others' drops are appended around theirs
   * again), and removes the files.
   */
  static void explode(RunFolder folder, int stage) throws IOException {
    Path index = index(folder, stage);
    if (!Files.exists(index)) {
      return;
    }
    Set<Integer> inputs = new TreeSet<>();
    for (String line : Files.readAllLines(index)) {
      String[] f = line.split(" ");
      int p = Integer.parseInt(f[0]);
      int file = Integer.parseInt(f[1]);
      long start = Long.parseLong(f[2]);
      long bytes = Long.parseLong(f[3]);
      inputs.add(file);
      // A file already cut (a reopening stopped halfway) has left its pieces.
      if (bytes == 0 || !Files.exists(folder.droppedOfInput(stage, file))) {
        continue;
      }
      AtomicFile piece = new AtomicFile(folder.dropped(stage, p));
      try (FileChannel in = FileChannel.open(folder.droppedOfInput(stage, file),
               StandardOpenOption.READ);
           FileChannel out = FileChannel.open(piece.temp(), StandardOpenOption.CREATE,
               StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
        for (long at = 0; at < bytes; ) {
          at += in.transferTo(start + at, bytes - at, out);
        }
      }
      piece.commit();
    }
    for (int file : inputs) {
      Files.deleteIfExists(folder.droppedOfInput(stage, file));
    }
    Files.delete(index);
  }

  private RefineryException cannotWrite(IOException e) {
    return new RefineryException(folder.rejects() + ": cannot write: " + IoErrors.reason(e), e);
  }

  /** The file being built, in the work folder. */
  private Path building(int fileIndex) {
    return folder.work().resolve("rejects").resolve(String.format(
        "dropped-s%d-%05d.jsonl.building", stage, fileIndex));
  }

  /** The state of one input file's dropped rows. */
  private final class OneFile {
    private final int index;
    private final List<Integer> partitions = new ArrayList<>();
    // partitions.get(head) is the first partition not finished: the one that writes straight in.
    private int head;
    // The end of the drops of the partitions before the head.
    private long end;
    private FileChannel channel;
    // The partition writing straight into the file now (-1: none), and the pieces being written.
    private int direct = -1;
    private final Map<Integer, AtomicFile> pieces = new TreeMap<>();
    private final Map<Integer, Long> closedBytes = new TreeMap<>();
    private final Set<Integer> closedAsPiece = new TreeSet<>();
    // Finished partitions after the head, waiting for it, and whether they wrote a piece.
    private final Map<Integer, Boolean> finishedAhead = new TreeMap<>();
    // Where each partition before the head has its drops: start and length.
    private final Map<Integer, long[]> placed = new TreeMap<>();

    OneFile(int index) {
      this.index = index;
    }

    synchronized OutputStream open(int p) throws IOException {
      if (p == partitions.get(head)) {
        FileChannel c = channel();
        c.position(end);
        direct = p;
        // The writer's close flushes; the channel stays open for the partitions after it.
        return new FilterOutputStream(Channels.newOutputStream(c)) {
          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
          }

          @Override
          public void close() throws IOException {
            flush();
          }
        };
      }
      AtomicFile piece = new AtomicFile(folder.dropped(stage, p));
      pieces.put(p, piece);
      return Files.newOutputStream(piece.temp());
    }

    synchronized void closed(int p) throws IOException {
      if (p == direct) {
        closedBytes.put(p, channel.position() - end);
        direct = -1;
        return;
      }
      AtomicFile piece = pieces.remove(p);
      if (piece != null) {
        closedBytes.put(p, Files.size(piece.temp()));
        piece.commit();
        closedAsPiece.add(p);
      }
    }

    /**
     * A partition's run begins: a piece an earlier, unfinished attempt left is not its drops
     * (this attempt may write straight into the file, or drop nothing).
     */
    synchronized void starting(int p) throws IOException {
      Files.deleteIfExists(folder.dropped(stage, p));
      closedAsPiece.remove(p);
      closedBytes.remove(p);
    }

    synchronized long bytes(int p) {
      return closedBytes.getOrDefault(p, 0L);
    }

    synchronized void abort(int p) {
      try {
        if (p == direct) {
          channel.truncate(end);
          direct = -1;
        }
        AtomicFile piece = pieces.remove(p);
        if (piece != null) {
          piece.abort();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    synchronized void finished(int p) throws IOException {
      finishedAhead.put(p, closedAsPiece.remove(p));
      while (head < partitions.size() && finishedAhead.containsKey(partitions.get(head))) {
        int q = partitions.get(head);
        place(q, finishedAhead.remove(q) ? append(folder.dropped(stage, q))
            : closedBytes.getOrDefault(q, 0L));
        closedBytes.remove(q);
        head++;
      }
    }

    private void place(int p, long bytes) {
      placed.put(p, new long[] {end, bytes});
      end += bytes;
    }

    /** Appends a finished partition's piece at the end and removes it; its length. */
    private long append(Path piece) throws IOException {
      FileChannel c = channel();
      c.truncate(end);
      long size;
      try (FileChannel in = FileChannel.open(piece, StandardOpenOption.READ)) {
        size = in.size();
        for (long at = 0; at < size; ) {
          at += in.transferTo(at, size - at, c.position(end + at));
        }
      }
      Files.delete(piece);
      return size;
    }

    private FileChannel channel() throws IOException {
      if (channel == null) {
        Path b = building(index);
        Files.createDirectories(b.getParent());
        channel = FileChannel.open(b, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.READ);
      }
      return channel;
    }

    /** Takes the file up as the finished partitions left it: see the class comment. */
    void resume(IntFunction<PartitionStats> finished) throws IOException {
      Path b = building(index);
      Path done = folder.droppedOfInput(stage, index);
      if (!Files.exists(b) && Files.exists(done)) {
        // A run stopped after its files were named (before stats.json): named again at its end.
        Files.createDirectories(b.getParent());
        Files.move(done, b);
      }
      for (; head < partitions.size(); head++) {
        int p = partitions.get(head);
        PartitionStats stats = finished.apply(p);
        if (stats == null) {
          break;
        }
        Path piece = folder.dropped(stage, p);
        if (Files.exists(piece)) {
          place(p, append(piece));
        } else {
          if (stats.droppedBytes() > 0
              && (!Files.exists(b) || Files.size(b) < end + stats.droppedBytes())) {
            throw new IOException(b + " lacks the dropped rows of finished partition " + p
                + "; remove the run folder to start over");
          }
          place(p, stats.droppedBytes());
        }
      }
      if (Files.exists(b)) {
        channel().truncate(end);
      }
      for (int i = head; i < partitions.size(); i++) {
        int p = partitions.get(i);
        if (finished.apply(p) != null) {
          finishedAhead.put(p, Files.exists(folder.dropped(stage, p)));
        }
      }
    }

    synchronized void commit() throws IOException {
      if (head < partitions.size()) {
        throw new IllegalStateException("stage " + stage + ", input file " + index
            + ": partition " + partitions.get(head) + " is not finished");
      }
      Path b = building(index);
      if (channel != null) {
        channel.truncate(end);
        channel.close();
        channel = null;
      }
      placed.forEach((p, at) -> index(p, index, at[0], at[1]));
      if (!Files.exists(b)) {
        return;
      }
      Path target = folder.droppedOfInput(stage, index);
      if (Files.size(b) == 0) {
        Files.delete(b);
        Files.deleteIfExists(target);
        return;
      }
      Files.createDirectories(target.getParent());
      AtomicFile.move(b, target);
    }
  }
}
