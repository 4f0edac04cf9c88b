package dev.refinery.dedup;

import dev.refinery.io.AtomicFile;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The uuid of each row a dedup stage observed, by ordinal, so a dropped row's record can name the
 * row kept in its place without any sample being held in memory. One pair of files per partition:
 * the uuids' UTF-8 bytes one after the other, and {@code rows + 1} big-endian offsets into them.
 * A lookup opens the one partition's files it needs and closes them again: lookups happen only
 * for rows set aside with {@code keep_dropped}, each of which costs far more to write, and this way
 * no partition holds a file open per other partition.
 */
public final class RowIds {
  private RowIds() {}

  /**
   * One partition's uuids: rows {@code firstOrdinal .. firstOrdinal + rows - 1}, consecutive.
   *
   * @param offsetsFile {@code rows + 1} offsets into {@code textFile}
   * @param textFile the uuids' UTF-8 bytes
   */
  public record Part(String offsetsFile, String textFile, long firstOrdinal, long rows)
      implements Serializable {
    boolean holds(long ordinal) {
      return ordinal >= firstOrdinal && ordinal - firstOrdinal < rows;
    }
  }

  /** Writes one partition's uuids; rows must come with consecutive ordinals. Not thread safe. */
  public static final class Writer {
    private final AtomicFile offsets;
    private final AtomicFile text;
    private final DataOutputStream offsetsOut;
    private final BufferedOutputStream textOut;
    private long firstOrdinal = -1;
    private long rows;
    private long bytes;

    /** Files {@code <prefix>-ids-<partition>.offsets} and {@code .txt} in {@code folder}. */
    public Writer(Path folder, String prefix, int partition) {
      String base = prefix + "-ids-" + partition;
      try {
        this.offsets = new AtomicFile(folder.resolve(base + ".offsets"));
        this.text = new AtomicFile(folder.resolve(base + ".txt"));
        this.offsetsOut = new DataOutputStream(
            new BufferedOutputStream(Files.newOutputStream(offsets.temp()), 1 << 16));
        this.textOut = new BufferedOutputStream(Files.newOutputStream(text.temp()), 1 << 16);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write row ids in " + folder, e);
      }
    }

    /** @param uuid null or empty is read back as null */
    public void add(long ordinal, String uuid) {
      if (rows == 0) {
        firstOrdinal = ordinal;
      } else if (ordinal != firstOrdinal + rows) {
        throw new IllegalArgumentException("row ids need consecutive ordinals: " + ordinal
            + " after " + (firstOrdinal + rows - 1));
      }
      try {
        offsetsOut.writeLong(bytes);
        if (uuid != null) {
          byte[] b = uuid.getBytes(StandardCharsets.UTF_8);
          textOut.write(b);
          bytes += b.length;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write row ids " + offsets.target(), e);
      }
      rows++;
    }

    public Part finish() {
      try {
        offsetsOut.writeLong(bytes);
        offsetsOut.close();
        textOut.close();
        offsets.commit();
        text.commit();
      } catch (IOException e) {
        offsets.abort();
        text.abort();
        throw new UncheckedIOException("cannot write row ids " + offsets.target(), e);
      }
      return new Part(offsets.target().toString(), text.target().toString(),
          Math.max(firstOrdinal, 0), rows);
    }
  }

  /**
   * The uuid of the row at {@code ordinal}, or null when it has none.
   *
   * @throws IllegalArgumentException when no part holds the ordinal
   */
  public static String uuid(List<Part> parts, long ordinal) {
    for (Part part : parts) {
      if (part != null && part.holds(ordinal)) {
        return read(part, ordinal - part.firstOrdinal());
      }
    }
    throw new IllegalArgumentException("no row ids for ordinal " + ordinal);
  }

  private static String read(Part part, long index) {
    try (FileChannel offsets = FileChannel.open(Path.of(part.offsetsFile()),
        StandardOpenOption.READ);
         FileChannel text = FileChannel.open(Path.of(part.textFile()), StandardOpenOption.READ)) {
      ByteBuffer range = readFully(offsets, 16, index * 8);
      long from = range.getLong(0);
      long to = range.getLong(8);
      if (to == from) {
        return null;
      }
      return new String(readFully(text, Math.toIntExact(to - from), from).array(),
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read row ids " + part.offsetsFile(), e);
    }
  }

  private static ByteBuffer readFully(FileChannel ch, int length, long pos) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(length);
    while (buf.hasRemaining()) {
      if (ch.read(buf, pos + buf.position()) < 0) {
        throw new EOFException("row ids truncated");
      }
    }
    return buf;
  }
}
