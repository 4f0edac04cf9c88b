package dev.refinery.io;

import java.io.EOFException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

/**
 * A local file for parquet-java's reader that reads row groups straight into their buffers.
 * parquet-java's own {@code LocalInputFile} reads a heap buffer through a temporary array as
 * large as the buffer and copies it over: a second allocation of every row group, in arrays
 * above G1's humongous threshold (a quarter of what {@code refinery stats} allocated).
 */
final class LocalParquetFile implements InputFile {
  private final Path path;
  private final long length;

  LocalParquetFile(Path path) throws IOException {
    this.path = path;
    this.length = Files.size(path);
  }

  @Override
  public long getLength() {
    return length;
  }

  @Override
  public SeekableInputStream newStream() throws IOException {
    if (path.getFileSystem() != FileSystems.getDefault()) {
      return channelStream(Files.newByteChannel(path));
    }
    RandomAccessFile file = new RandomAccessFile(path.toFile(), "r");
    return new SeekableInputStream() {
      @Override
      public int read() throws IOException {
        return file.read();
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return file.read(b, off, len);
      }

      @Override
      public long getPos() throws IOException {
        return file.getFilePointer();
      }

      @Override
      public void seek(long newPos) throws IOException {
        file.seek(newPos);
      }

      @Override
      public void readFully(byte[] bytes) throws IOException {
        file.readFully(bytes);
      }

      @Override
      public void readFully(byte[] bytes, int start, int len) throws IOException {
        file.readFully(bytes, start, len);
      }

      @Override
      public int read(ByteBuffer buf) throws IOException {
        if (!buf.hasArray()) {
          return file.getChannel().read(buf);
        }
        int n = file.read(buf.array(), buf.arrayOffset() + buf.position(), buf.remaining());
        if (n > 0) {
          buf.position(buf.position() + n);
        }
        return n;
      }

      @Override
      public void readFully(ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
          if (read(buf) < 0) {
            throw new EOFException("reached the end of " + path + " with " + buf.remaining()
                + " bytes left to read");
          }
        }
      }

      @Override
      public void close() throws IOException {
        file.close();
      }
    };
  }

  /**
   * A stream over a file of another file system (the Hub): every read is the channel's, so a
   * column chunk read whole is one request for its bytes.
   */
  private SeekableInputStream channelStream(SeekableByteChannel channel) {
    return new SeekableInputStream() {
      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return channel.read(ByteBuffer.wrap(b, off, len));
      }

      @Override
      public long getPos() throws IOException {
        return channel.position();
      }

      @Override
      public void seek(long newPos) throws IOException {
        channel.position(newPos);
      }

      @Override
      public void readFully(byte[] bytes) throws IOException {
        readFully(ByteBuffer.wrap(bytes));
      }

      @Override
      public void readFully(byte[] bytes, int start, int len) throws IOException {
        readFully(ByteBuffer.wrap(bytes, start, len));
      }

      @Override
      public int read(ByteBuffer buf) throws IOException {
        return channel.read(buf);
      }

      @Override
      public void readFully(ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
          if (channel.read(buf) < 0) {
            throw new EOFException("reached the end of " + path + " with " + buf.remaining()
                + " bytes left to read");
          }
        }
      }

      @Override
      public void close() throws IOException {
        channel.close();
      }
    };
  }

  @Override
  public String toString() {
    return path.toString();
  }
}
