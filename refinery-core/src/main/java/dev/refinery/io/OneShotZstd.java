package dev.refinery.io;

import com.github.luben.zstd.ZstdDecompressCtx;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * parquet-java's codec factory with ZSTD pages decompressed in one call into an array of the
 * page's known size, by decompression contexts reused from page to page. The stock decompressor
 * streams each page through a fresh {@code ZstdInputStream} (a new context, its window buffer and
 * a copy out of it per page). Same bytes out; other codecs go to the stock factory.
 *
 * <p>One per {@code ParquetFileReader}, which releases it on close. Threads may decompress
 * different column chunks at once ({@link NemotronColumns} reads one column's pages ahead): a
 * ZSTD call borrows a context that no other call holds; another codec's pages are decompressed
 * one at a time and whole, because the stock factory keeps one stateful decompressor per codec
 * and decompresses lazily, as the page is read (two threads at once corrupted SNAPPY pages).
 */
final class OneShotZstd implements CompressionCodecFactory {
  private final CompressionCodecFactory stock;
  private final ConcurrentLinkedDeque<ZstdDecompressCtx> idle = new ConcurrentLinkedDeque<>();
  private final Decompressor zstd = new Decompressor();
  private final Map<CompressionCodecName, BytesInputDecompressor> serialized =
      new ConcurrentHashMap<>();

  /**
   * Arrays to decompress into, reused in turn, for a thread that reads one column's pages for a
   * reader that is done with a page a known number of pages later ({@link PagesAhead}). A text
   * page is about 1 MB, above G1's humongous threshold at a 1 GB heap: allocating one per page
   * put more than a second per million rows into GC pauses.
   */
  static final class Ring {
    private final byte[][] arrays;
    private int next;

    Ring(int size) {
      this.arrays = new byte[size][];
    }

    byte[] take(int length) {
      byte[] a = arrays[next];
      if (a == null || a.length < length) {
        a = new byte[Math.max(length, a == null ? 0 : a.length)];
        arrays[next] = a;
      }
      next = (next + 1) % arrays.length;
      return a;
    }
  }

  /** The ring the current thread decompresses into, or null for a fresh array per page. */
  static final ThreadLocal<Ring> RING = new ThreadLocal<>();

  OneShotZstd(CompressionCodecFactory stock) {
    this.stock = stock;
  }

  @Override
  public BytesInputCompressor getCompressor(CompressionCodecName codec) {
    return stock.getCompressor(codec);
  }

  @Override
  public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
    if (codec == CompressionCodecName.ZSTD) {
      return zstd;
    }
    if (codec == CompressionCodecName.UNCOMPRESSED) {
      return stock.getDecompressor(codec); // no state: hands the bytes back
    }
    return serialized.computeIfAbsent(codec, c -> new OneAtATime(stock.getDecompressor(c)));
  }

  /** A stock decompressor used by one thread at a time, its output read whole under the lock. */
  private static final class OneAtATime implements BytesInputDecompressor {
    private final BytesInputDecompressor inner;

    OneAtATime(BytesInputDecompressor inner) {
      this.inner = inner;
    }

    @Override
    public synchronized BytesInput decompress(BytesInput bytes, int uncompressedSize)
        throws IOException {
      return BytesInput.from(inner.decompress(bytes, uncompressedSize).toByteArray());
    }

    @Override
    public synchronized void decompress(ByteBuffer input, int compressedSize, ByteBuffer output,
        int uncompressedSize) throws IOException {
      inner.decompress(input, compressedSize, output, uncompressedSize);
    }

    @Override
    public void release() {
      // The factory's release frees the stock decompressors.
    }
  }

  @Override
  public void release() {
    ZstdDecompressCtx ctx;
    while ((ctx = idle.poll()) != null) {
      ctx.close();
    }
    stock.release();
  }

  private final class Decompressor implements BytesInputDecompressor {
    @Override
    public BytesInput decompress(BytesInput bytes, int uncompressedSize) throws IOException {
      ByteBuffer in = bytes.toByteBuffer();
      byte[] src;
      int offset;
      int length = in.remaining();
      if (in.hasArray()) {
        src = in.array();
        offset = in.arrayOffset() + in.position();
      } else {
        src = new byte[length];
        in.duplicate().get(src);
        offset = 0;
      }
      Ring ring = RING.get();
      byte[] out = ring == null ? new byte[uncompressedSize] : ring.take(uncompressedSize);
      ZstdDecompressCtx ctx = idle.poll();
      if (ctx == null) {
        ctx = new ZstdDecompressCtx();
      }
      int n;
      try {
        n = ctx.decompressByteArray(out, 0, uncompressedSize, src, offset, length);
      } catch (RuntimeException e) {
        throw new IOException("ZSTD page: " + e.getMessage(), e);
      } finally {
        idle.push(ctx);
      }
      if (n != uncompressedSize) {
        throw new IOException("ZSTD page decompressed to " + n + " bytes, the page header says "
            + uncompressedSize);
      }
      return BytesInput.from(out, 0, uncompressedSize);
    }

    @Override
    public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output,
        int uncompressedSize) throws IOException {
      // Direct buffers (not what ParquetRowReader reads into): the stock path, one at a time.
      BytesInputDecompressor direct = stock.getDecompressor(CompressionCodecName.ZSTD);
      synchronized (direct) {
        direct.decompress(input, compressedSize, output, uncompressedSize);
      }
    }

    @Override
    public void release() {
      // The factory's release frees the contexts.
    }
  }
}
