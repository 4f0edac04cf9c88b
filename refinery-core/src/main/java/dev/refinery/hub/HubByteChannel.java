package dev.refinery.hub;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

/**
 * Random access to a Hub file by HTTP range requests. A read of 8 KB or more (a Parquet column
 * chunk) is one request for exactly its bytes; small reads (a footer's length, then the footer) are served from
 * one block fetched around them, so reading a Parquet file's metadata costs one request, not many
 * tiny ones. Only bytes a reader asks for, give or take a block, cross the network.
 */
final class HubByteChannel implements SeekableByteChannel {
  /**
   * Reads at least this large (a column chunk, a page) are one request for exactly their bytes,
   * straight into the caller's buffer; smaller ones (a length, a header) come from a block.
   */
  static final int DIRECT_READ = 8 << 10;
  /** What a small read near the end fetches: a Parquet footer of a few hundred columns fits. */
  static final int BLOCK = 64 << 10;
  /** What a small read elsewhere fetches (a file's magic number, a length). */
  static final int SMALL_BLOCK = 4 << 10;

  private final HubFileSystem fs;
  private final String path;
  private final long size;
  private final String name;
  private long position;
  private boolean open = true;
  private byte[] block = new byte[0];
  private long blockStart = -1;

  HubByteChannel(HubFileSystem fs, String path, long size, String name) {
    this.fs = fs;
    this.path = path;
    this.size = size;
    this.name = name;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    if (!open) {
      throw new ClosedChannelException();
    }
    if (position >= size) {
      return -1;
    }
    int want = (int) Math.min(dst.remaining(), size - position);
    if (want == 0) {
      return 0;
    }
    if (blockStart >= 0 && position >= blockStart && position < blockStart + block.length) {
      int n = (int) Math.min(want, blockStart + block.length - position);
      dst.put(block, (int) (position - blockStart), n);
      position += n;
      return n;
    }
    if (want >= DIRECT_READ) {
      fetch(position, want, dst);
      position += want;
      return want;
    }
    if (size - position <= BLOCK) {
      // A small read near the end is a footer: the block ends at the file's end to hold it all.
      int length = (int) Math.min(BLOCK, size);
      blockStart = size - length;
      block = fs.block(path, blockStart, length, this::fetch);
    } else if (position < SMALL_BLOCK) {
      // The file's magic number.
      blockStart = 0;
      block = fs.block(path, 0, (int) Math.min(SMALL_BLOCK, size), this::fetch);
    } else {
      byte[] b = new byte[(int) Math.min(SMALL_BLOCK, size - position)];
      fetch(position, b.length, ByteBuffer.wrap(b));
      block = b;
      blockStart = position;
    }
    return read(dst);
  }

  /** Fetches bytes [from, from + length) into a buffer. */
  interface Fetch {
    void fetch(long from, int length, ByteBuffer into) throws IOException;
  }

  private void fetch(long from, int length, ByteBuffer into) throws IOException {
    try (InputStream in = fs.client().open(fs.repoId(), fs.commit(), path, from, from + length)) {
      byte[] buf = into.hasArray() ? null : new byte[Math.min(length, 1 << 16)];
      int left = length;
      while (left > 0) {
        int n;
        if (buf == null) {
          n = in.read(into.array(), into.arrayOffset() + into.position(), left);
          if (n > 0) {
            into.position(into.position() + n);
          }
        } else {
          n = in.read(buf, 0, Math.min(left, buf.length));
          if (n > 0) {
            into.put(buf, 0, n);
          }
        }
        if (n < 0) {
          throw new IOException(name + ": ended " + left + " bytes before its listed size");
        }
        left -= n;
      }
    }
  }

  @Override
  public int write(ByteBuffer src) {
    throw new NonWritableChannelException();
  }

  @Override
  public long position() {
    return position;
  }

  @Override
  public SeekableByteChannel position(long newPosition) {
    if (newPosition < 0) {
      throw new IllegalArgumentException("negative position " + newPosition);
    }
    position = newPosition;
    return this;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public SeekableByteChannel truncate(long size) {
    throw new NonWritableChannelException();
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void close() {
    open = false;
    block = new byte[0];
  }
}
