package dev.refinery.tokenize;

import dev.refinery.io.AtomicFile;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes a Megatron-LM indexed dataset ({@code PREFIX.bin} + {@code PREFIX.idx}), byte for byte
 * the {@code MMIDIDX} format version 1 that Megatron-LM's {@code IndexedDatasetBuilder} writes and
 * its {@code IndexedDataset} reads.
 *
 * <p>{@code .bin}: the tokens of every sequence one after the other, little-endian, as uint16 when
 * the vocabulary has fewer than 65,500 ids, else int32 (Megatron's {@code
 * DType.optimal_dtype}). {@code .idx}, all little-endian:
 *
 * <pre>
 *   9 bytes  "MMIDIDX\0\0"
 *   uint64   version = 1
 *   uint8    dtype code (1 uint8, 2 int8, 3 int16, 4 int32, 5 int64, 6 float64, 7 float32, 8 uint16)
 *   uint64   sequence count S
 *   uint64   document-index count D (= documents + 1)
 *   int32[S] tokens per sequence
 *   int64[S] byte offset of each sequence in the .bin
 *   int64[D] document indices: 0, then after each document the number of sequences so far
 * </pre>
 *
 * <p>Usually a document is one sequence ({@link #addDocument}, what Megatron's {@code
 * preprocess_data.py} writes without sentence splitting); {@link #addSequence} and {@link
 * #endDocument} write documents of several sequences.
 *
 * <p><b>Streaming and atomic.</b> Tokens go to a temporary {@code .bin} as they come; sequence
 * lengths and document indices go to two temporary spill files in exactly their {@code .idx}
 * encoding, so memory stays constant whatever the size. {@link #commit} writes the {@code .idx}
 * from the spills (the byte offsets are recomputed from the lengths) and renames the {@code .bin}
 * and then the {@code .idx} into place; a reader that finds the {@code .idx} finds a complete
 * {@code .bin}. {@link #close} without {@link #commit} (after an error) deletes the temporary
 * files and leaves any earlier dataset at the prefix untouched.
 */
public final class MegatronIndexedWriter implements Closeable {
  static final byte[] MAGIC = "MMIDIDX\0\0".getBytes(StandardCharsets.US_ASCII);
  /** Megatron's dtype code for uint16. */
  public static final int DTYPE_UINT16 = 8;
  /** Megatron's dtype code for int32. */
  public static final int DTYPE_INT32 = 4;

  private final int vocabSize;
  private final int dtypeCode;
  private final int itemSize;
  private final AtomicFile bin;
  private final AtomicFile idx;
  private final Path lengthsSpill;
  private final Path documentsSpill;
  private final LeOut binOut;
  private final LeOut lengthsOut;
  private final LeOut documentsOut;
  private long sequences;
  private long documentIndices;
  private long sequencesInOpenDocument;
  private boolean committed;
  private boolean closed;

  /**
   * Opens a writer for {@code prefix.bin} and {@code prefix.idx}.
   *
   * @param prefix the path prefix; its folder is created if missing
   * @param vocabSize the tokenizer's vocabulary size: picks uint16 (below 65,500) or int32, and
   *     every token id must be in {@code [0, vocabSize)}
   */
  public MegatronIndexedWriter(Path prefix, int vocabSize) throws IOException {
    if (vocabSize < 1) {
      throw new IllegalArgumentException("The vocabulary size must be at least 1, was "
          + vocabSize);
    }
    this.vocabSize = vocabSize;
    this.dtypeCode = vocabSize < 65_500 ? DTYPE_UINT16 : DTYPE_INT32;
    this.itemSize = dtypeCode == DTYPE_UINT16 ? 2 : 4;
    Path base = prefix.toAbsolutePath();
    this.bin = new AtomicFile(base.resolveSibling(base.getFileName() + ".bin"));
    this.idx = new AtomicFile(base.resolveSibling(base.getFileName() + ".idx"));
    this.lengthsSpill = Path.of(bin.temp() + ".lengths");
    this.documentsSpill = Path.of(bin.temp() + ".documents");
    LeOut b = null;
    LeOut l = null;
    LeOut d = null;
    try {
      b = new LeOut(bin.temp());
      l = new LeOut(lengthsSpill);
      d = new LeOut(documentsSpill);
      d.putLong(0);
    } catch (IOException | RuntimeException e) {
      closeQuietly(b);
      closeQuietly(l);
      closeQuietly(d);
      deleteTemps();
      throw e;
    }
    this.binOut = b;
    this.lengthsOut = l;
    this.documentsOut = d;
    this.documentIndices = 1;
  }

  /** The dtype code written: {@value #DTYPE_UINT16} (uint16) or {@value #DTYPE_INT32} (int32). */
  public int dtypeCode() {
    return dtypeCode;
  }

  /** Writes one document made of one sequence. */
  public void addDocument(int[] tokens) throws IOException {
    addSequence(tokens);
    endDocument();
  }

  /** Writes one sequence of the current document. */
  public void addSequence(int[] tokens) throws IOException {
    checkOpen();
    for (int i = 0; i < tokens.length; i++) {
      int t = tokens[i];
      if (t < 0 || t >= vocabSize) {
        throw new IllegalArgumentException("Token id " + t + " at position " + i
            + " is outside the vocabulary [0, " + vocabSize + ").");
      }
    }
    if (itemSize == 2) {
      for (int t : tokens) {
        binOut.putShort((short) t);
      }
    } else {
      for (int t : tokens) {
        binOut.putInt(t);
      }
    }
    lengthsOut.putInt(tokens.length);
    sequences++;
    sequencesInOpenDocument++;
  }

  /** Ends the current document (Megatron's {@code end_document}). */
  public void endDocument() throws IOException {
    checkOpen();
    documentsOut.putLong(sequences);
    documentIndices++;
    sequencesInOpenDocument = 0;
  }

  /** Sequences written so far. */
  public long sequences() {
    return sequences;
  }

  /** Documents ended so far. */
  public long documents() {
    return documentIndices - 1;
  }

  /**
   * Writes the {@code .idx} and moves both files into place. Sequences added after the last
   * {@link #endDocument} are an error: Megatron would index them in no document.
   */
  public void commit() throws IOException {
    checkOpen();
    if (sequencesInOpenDocument > 0) {
      throw new IllegalStateException(sequencesInOpenDocument
          + " sequence(s) were added after the last endDocument(); end the document first.");
    }
    binOut.close();
    lengthsOut.close();
    documentsOut.close();
    try (LeOut out = new LeOut(idx.temp())) {
      out.put(MAGIC);
      out.putLong(1);
      out.put(new byte[] {(byte) dtypeCode});
      out.putLong(sequences);
      out.putLong(documentIndices);
      try (FileChannel in = FileChannel.open(lengthsSpill)) {
        out.copy(in);
      }
      try (FileChannel in = FileChannel.open(lengthsSpill)) {
        ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        long pointer = 0;
        while (true) {
          int read = in.read(buf);
          buf.flip();
          while (buf.remaining() >= 4) {
            out.putLong(pointer);
            pointer += (long) buf.getInt() * itemSize;
          }
          buf.compact();
          if (read < 0) {
            break;
          }
        }
      }
      try (FileChannel in = FileChannel.open(documentsSpill)) {
        out.copy(in);
      }
      out.force();
    }
    bin.commit();
    idx.commit();
    committed = true;
    close();
  }

  /** Deletes the temporary files unless {@link #commit} succeeded. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    closeQuietly(binOut);
    closeQuietly(lengthsOut);
    closeQuietly(documentsOut);
    if (!committed) {
      bin.abort();
      idx.abort();
    }
    deleteTemps();
  }

  private void deleteTemps() {
    try {
      Files.deleteIfExists(lengthsSpill);
      Files.deleteIfExists(documentsSpill);
    } catch (IOException ignored) {
      // Best effort: temporary names no reader picks up.
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("This Megatron writer is already committed or closed.");
    }
  }

  private static void closeQuietly(LeOut out) {
    if (out != null) {
      try {
        out.close();
      } catch (IOException ignored) {
        // Closing after an error; the first error is the one that matters.
      }
    }
  }

  /** A buffered little-endian file writer. */
  private static final class LeOut implements Closeable {
    private final FileChannel channel;
    private final ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    private boolean open = true;

    LeOut(Path path) throws IOException {
      channel = FileChannel.open(path, StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
    }

    void putShort(short v) throws IOException {
      if (buf.remaining() < 2) {
        drain();
      }
      buf.putShort(v);
    }

    void putInt(int v) throws IOException {
      if (buf.remaining() < 4) {
        drain();
      }
      buf.putInt(v);
    }

    void putLong(long v) throws IOException {
      if (buf.remaining() < 8) {
        drain();
      }
      buf.putLong(v);
    }

    void put(byte[] bytes) throws IOException {
      if (buf.remaining() < bytes.length) {
        drain();
      }
      buf.put(bytes);
    }

    void copy(FileChannel in) throws IOException {
      drain();
      long size = in.size();
      long at = 0;
      while (at < size) {
        at += in.transferTo(at, size - at, channel);
      }
    }

    void force() throws IOException {
      drain();
      channel.force(true);
    }

    private void drain() throws IOException {
      buf.flip();
      while (buf.hasRemaining()) {
        channel.write(buf);
      }
      buf.clear();
    }

    @Override
    public void close() throws IOException {
      if (open) {
        open = false;
        try {
          drain();
        } finally {
          channel.close();
        }
      }
    }
  }
}
