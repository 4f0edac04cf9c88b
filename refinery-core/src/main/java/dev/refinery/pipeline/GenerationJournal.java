package dev.refinery.pipeline;

import dev.refinery.RefineryException;
import dev.refinery.format.Formats;
import dev.refinery.internal.IoErrors;
import dev.refinery.internal.Json;
import dev.refinery.run.RunFolder;
import dev.refinery.sample.Sample;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * What {@code refinery generate}'s step has done in one partition, kept line by line so that a
 * crash, {@code kill -9} or a stop by the failure limit loses no answer a server gave: the rows
 * generated (JSON Lines, one whole line written at once, appended as they are passed on) and the
 * partition's failures (started afresh each time the partition runs, since a resume sends them
 * again). A row is kept under its key, the row id it will have (two prompts may share a uuid,
 * and so would their rows; ids are unique), or its uuid when it has no id. A partition's stage output appears only when the partition is done; until then a rerun
 * finds its rows here by uuid instead of asking the server again. A torn last line (the process
 * died while writing it) is cut off. Lives in the run's work folder, gone with it when the run
 * finishes with nothing left to retry.
 */
final class GenerationJournal implements AutoCloseable {
  private final Path rowsFile;
  private final Path failuresFile;
  private final FileChannel rows;
  private final FileChannel failures;
  private final Map<String, long[]> spans = new HashMap<>();

  /** The journals' folder in a run folder. */
  /** The journals' folder in a run's work folder. */
  static final String FOLDER = "generate";

  static Path folder(Path runFolder) {
    return new RunFolder(runFolder).work().resolve(FOLDER);
  }

  static Path rowsOf(Path folder, int partition) {
    return folder.resolve(String.format("rows-%05d.jsonl", partition));
  }

  static Path failuresOf(Path folder, int partition) {
    return folder.resolve(String.format("failures-%05d.jsonl", partition));
  }

  /** Opens partition {@code partition}'s journal: its rows so far, its failures emptied. */
  GenerationJournal(Path folder, int partition) {
    this.rowsFile = rowsOf(folder, partition);
    this.failuresFile = failuresOf(folder, partition);
    try {
      Files.createDirectories(folder);
      long complete = Files.exists(rowsFile) ? index() : 0;
      rows = FileChannel.open(rowsFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
          StandardOpenOption.WRITE);
      rows.truncate(complete);
      rows.position(complete);
      failures = FileChannel.open(failuresFile, StandardOpenOption.CREATE,
          StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    } catch (IOException e) {
      throw new RefineryException(rowsFile + ": cannot write: " + IoErrors.reason(e), e);
    }
  }

  /** Reads where each complete line's row is; returns the end of the last complete line. */
  private long index() throws IOException {
    long offset = 0;
    long line = 0;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    try (InputStream in = new BufferedInputStream(Files.newInputStream(rowsFile), 1 << 16)) {
      for (int b = in.read(); b >= 0; b = in.read()) {
        if (b != '\n') {
          buffer.write(b);
          continue;
        }
        line++;
        byte[] bytes = buffer.toByteArray();
        Object parsed;
        try {
          parsed = Json.parse(bytes, 0, bytes.length);
        } catch (IOException e) {
          parsed = null;
        }
        if (!(parsed instanceof Map<?, ?> entry) || !(entry.get("key") instanceof String key)
            || !(entry.get("row") instanceof Map<?, ?>)) {
          throw new RefineryException(rowsFile + ":" + line + ": not a generated row with its "
              + "key; the run folder was edited, remove it to start over");
        }
        spans.put(key, new long[] {offset, bytes.length});
        offset += bytes.length + 1;
        buffer.reset();
      }
    }
    return offset;
  }

  /** The row generated earlier under this key, or null. */
  synchronized Sample find(String key) {
    long[] span = key == null ? null : spans.get(key);
    if (span == null) {
      return null;
    }
    ByteBuffer buffer = ByteBuffer.allocate((int) span[1]);
    try {
      while (buffer.hasRemaining()) {
        if (rows.read(buffer, span[0] + buffer.position()) < 0) {
          throw new IOException("ends early");
        }
      }
      Map<?, ?> entry = (Map<?, ?>) Json.parse(buffer.array(), 0, buffer.capacity());
      @SuppressWarnings("unchecked")
      Map<String, Object> row = (Map<String, Object>) entry.get("row");
      return Formats.nemotron().decode(row);
    } catch (IOException e) {
      throw new RefineryException(rowsFile + ": cannot read: " + IoErrors.reason(e), e);
    }
  }

  /** Appends a row just generated, under its key. */
  synchronized void row(String key, Sample row) {
    Map<String, Object> entry = new java.util.LinkedHashMap<>();
    entry.put("key", key);
    entry.put("row", Formats.nemotron().encode(row));
    byte[] line = (Json.write(entry) + "\n").getBytes(StandardCharsets.UTF_8);
    long at = write(rows, line, rowsFile);
    spans.put(key, new long[] {at, line.length - 1});
  }

  /** Appends a failure record. */
  synchronized void failure(Map<String, Object> record) {
    write(failures, (Json.write(record) + "\n").getBytes(StandardCharsets.UTF_8),
        failuresFile);
  }

  /** One write of the whole line, so a crash leaves at most the last line torn. */
  private static long write(FileChannel channel, byte[] line, Path file) {
    try {
      long at = channel.position();
      ByteBuffer buffer = ByteBuffer.wrap(line);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      return at;
    } catch (IOException e) {
      throw new RefineryException(file + ": cannot write: " + IoErrors.reason(e), e);
    }
  }

  @Override
  public synchronized void close() {
    try {
      rows.close();
      failures.close();
    } catch (IOException e) {
      throw new RefineryException(rowsFile + ": cannot close: " + IoErrors.reason(e), e);
    }
  }
}
