package dev.refinery.dedup.minhash;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Random access to the signatures written by stage 1, by ordinal: each partition's file holds
 * fixed-size records {@code (ordinal, k hashes)} in ascending ordinal order, so a lookup is a
 * binary search by positional reads (the OS page cache keeps hot pages). Holds only the open
 * channels and each partition's ordinal range.
 */
final class SignatureStore implements Closeable {
  private final List<FuzzyDedup.PartitionSignatures> parts;
  private final FileChannel[] channels;
  private final int recordBytes;
  private final ByteBuffer ordinalBuffer = ByteBuffer.allocate(8);
  private final ByteBuffer recordBuffer;

  SignatureStore(List<FuzzyDedup.PartitionSignatures> parts, int numHashes) {
    this.parts = parts;
    this.channels = new FileChannel[parts.size()];
    this.recordBytes = 8 * (1 + numHashes);
    this.recordBuffer = ByteBuffer.allocate(recordBytes);
    try {
      for (int i = 0; i < parts.size(); i++) {
        channels[i] = FileChannel.open(Path.of(parts.get(i).signatureFile()),
            StandardOpenOption.READ);
      }
    } catch (IOException e) {
      close();
      throw new UncheckedIOException("cannot open signature files", e);
    }
  }

  /** Reads the signature of {@code ordinal} into {@code into}; false when no partition has it. */
  boolean read(long ordinal, long[] into) {
    try {
      for (int p = 0; p < parts.size(); p++) {
        FuzzyDedup.PartitionSignatures part = parts.get(p);
        if (part.documents() == 0 || ordinal < part.firstOrdinal()
            || ordinal > part.lastOrdinal()) {
          continue;
        }
        long lo = 0;
        long hi = part.documents();
        while (lo < hi) {
          long mid = (lo + hi) >>> 1;
          long at = readOrdinal(channels[p], mid * recordBytes);
          if (at < ordinal) {
            lo = mid + 1;
          } else if (at > ordinal) {
            hi = mid;
          } else {
            readFully(channels[p], recordBuffer, mid * recordBytes);
            recordBuffer.position(8);
            recordBuffer.asLongBuffer().get(into, 0, into.length);
            return true;
          }
        }
      }
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read signatures", e);
    }
  }

  private long readOrdinal(FileChannel ch, long pos) throws IOException {
    readFully(ch, ordinalBuffer, pos);
    return ordinalBuffer.getLong(0);
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
    buf.clear();
    while (buf.hasRemaining()) {
      if (ch.read(buf, pos + buf.position()) < 0) {
        throw new EOFException("signature file truncated");
      }
    }
    buf.flip();
  }

  @Override
  public void close() {
    for (FileChannel ch : channels) {
      if (ch != null) {
        try {
          ch.close();
        } catch (IOException ignored) {
          // Read-only.
        }
      }
    }
  }
}
