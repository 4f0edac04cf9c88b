package dev.refinery.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.junit.jupiter.api.Test;

class OneShotZstdTest {

  /**
   * The column reader decompresses one column's pages on a thread of its own ({@link PagesAhead})
   * while the caller decompresses the other columns' pages: the stock codecs keep one stateful
   * decompressor per codec, which two threads at once corrupted (SNAPPY pages failed with "Zero
   * bytes read during decompression" under load, and could have come out wrong).
   */
  @Test
  void twoThreadsDecompressingPagesOfEveryCodecAtOnceGetTheirOwnBytes() throws Exception {
    PlainParquetConfiguration conf = new PlainParquetConfiguration();
    CompressionCodecFactory stock = ParquetReadOptions.builder(conf).build().getCodecFactory();
    OneShotZstd codecs = new OneShotZstd(stock);
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      for (CompressionCodecName codec : new CompressionCodecName[] {CompressionCodecName.SNAPPY,
          CompressionCodecName.GZIP, CompressionCodecName.ZSTD, CompressionCodecName.LZ4_RAW,
          CompressionCodecName.UNCOMPRESSED}) {
        List<byte[]> pages = new ArrayList<>();
        List<byte[]> compressed = new ArrayList<>();
        Random random = new Random(codec.ordinal());
        for (int i = 0; i < 16; i++) {
          byte[] page = new byte[2_000 + random.nextInt(60_000)];
          for (int j = 0; j < page.length; j++) {
            page[j] = (byte) ('a' + random.nextInt(4) + (j / 512 % 3)); // compressible
          }
          pages.add(page);
          compressed.add(codecs.getCompressor(codec).compress(BytesInput.from(page)).toByteArray());
        }
        List<Future<Integer>> done = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
          int first = t;
          done.add(threads.submit(() -> {
            int right = 0;
            for (int round = 0; round < 300; round++) {
              int i = (first * 7 + round) % pages.size();
              byte[] got = codecs.getDecompressor(codec)
                  .decompress(BytesInput.from(compressed.get(i)), pages.get(i).length)
                  .toByteArray();
              if (java.util.Arrays.equals(got, pages.get(i))) {
                right++;
              }
            }
            return right;
          }));
        }
        for (Future<Integer> f : done) {
          assertThat(f.get()).as("%s pages decompressed right", codec).isEqualTo(300);
        }
      }
    } finally {
      threads.shutdownNow();
      codecs.release();
    }
  }
}
