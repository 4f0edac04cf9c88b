package dev.refinery.dedup;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * 128-bit MurmurHash3 (x64 variant) of a string's UTF-8 bytes. 128 bits make an accidental
 * collision between two different keys negligible (about 2^-64 for 2^32 keys), so equal hashes
 * are treated as equal keys without keeping the texts.
 */
final class KeyHash {
  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long C1 = 0x87c37b91114253d5L;
  private static final long C2 = 0x4cf5ad432745937fL;

  private KeyHash() {}

  /** Writes the hash into {@code out[0]} (high) and {@code out[1]} (low). */
  static void hash(String text, long seed, long[] out) {
    byte[] data = text.getBytes(StandardCharsets.UTF_8);
    int len = data.length;
    long h1 = seed;
    long h2 = seed;
    int blocks = len / 16;
    for (int b = 0; b < blocks; b++) {
      long k1 = (long) LONG_LE.get(data, b * 16);
      long k2 = (long) LONG_LE.get(data, b * 16 + 8);
      h1 ^= mixK1(k1);
      h1 = Long.rotateLeft(h1, 27) + h2;
      h1 = h1 * 5 + 0x52dce729;
      h2 ^= mixK2(k2);
      h2 = Long.rotateLeft(h2, 31) + h1;
      h2 = h2 * 5 + 0x38495ab5;
    }
    int tail = blocks * 16;
    long k1 = 0;
    long k2 = 0;
    for (int i = len - 1; i >= tail; i--) {
      int shift = ((i - tail) & 7) * 8;
      if (i - tail >= 8) {
        k2 |= (data[i] & 0xffL) << shift;
      } else {
        k1 |= (data[i] & 0xffL) << shift;
      }
    }
    if (len - tail > 8) {
      h2 ^= mixK2(k2);
    }
    if (len - tail > 0) {
      h1 ^= mixK1(k1);
    }
    h1 ^= len;
    h2 ^= len;
    h1 += h2;
    h2 += h1;
    h1 = fmix(h1);
    h2 = fmix(h2);
    h1 += h2;
    h2 += h1;
    out[0] = h1;
    out[1] = h2;
  }

  private static long mixK1(long k) {
    return Long.rotateLeft(k * C1, 31) * C2;
  }

  private static long mixK2(long k) {
    return Long.rotateLeft(k * C2, 33) * C1;
  }

  static long fmix(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return k;
  }
}
