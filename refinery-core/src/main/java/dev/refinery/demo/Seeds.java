package dev.refinery.demo;

/**
 * Derives independent seeds from (run seed, split, row, purpose), so that any row can be generated
 * on its own: shards need not be written in order, and a row can look up another row's uuid.
 */
final class Seeds {
  static final long CONTENT = 0x636f6e74656e74L;
  static final long UUID = 0x75756964L;
  static final long PLANT = 0x706c616e74L;

  private Seeds() {}

  static long of(long seed, Split split, long index, long purpose) {
    long h = mix(seed ^ purpose);
    h = mix(h + 0x9E3779B97F4A7C15L * (split.ordinal() + 1));
    return mix(h ^ index * 0xBF58476D1CE4E5B9L);
  }

  /** The SplitMix64 finalizer: a cheap bijection that scatters nearby inputs. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** A uniform double in [0, 1) from the top 53 bits. */
  static double unit(long bits) {
    return (bits >>> 11) * 0x1.0p-53;
  }
}
