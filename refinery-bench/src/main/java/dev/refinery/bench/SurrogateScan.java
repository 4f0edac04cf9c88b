package dev.refinery.bench;

import dev.refinery.internal.TextCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The JSONL readers' lone-surrogate pre-scan, side by side in one JVM: the first version (one
 * byte at a time, every surrogate escape counts) against {@link
 * TextCheck#maySpellSurrogateInRecord} (eight bytes at a time past text without NUL, ED or a
 * backslash; well-formed escaped pairs are characters). Prints GB/s of each per round over every
 * line of a JSONL file, and how many lines each would walk.
 *
 * <p>{@code java -cp ... dev.refinery.bench.SurrogateScan FILE.jsonl [ROUNDS]}
 */
public final class SurrogateScan {
  private SurrogateScan() {}

  /** The scan as first written, kept here for the comparison. */
  static boolean firstVersion(byte[] bytes, int from, int to) {
    for (int i = from; i < to; i++) {
      int b = bytes[i];
      if (b == 0) {
        return true;
      }
      if (b == (byte) 0xED) {
        if (i + 1 < to && (bytes[i + 1] & 0xE0) == 0xA0) {
          return true;
        }
      } else if (b == '\\' && i + 3 < to && bytes[i + 1] == 'u'
          && (bytes[i + 2] | 0x20) == 'd' && "89abcdefABCDEF".indexOf(bytes[i + 3]) >= 0) {
        return true;
      }
    }
    return false;
  }

  public static void main(String[] args) throws Exception {
    byte[] data = Files.readAllBytes(Path.of(args[0]));
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    int lines = 0;
    for (byte b : data) {
      lines += b == '\n' ? 1 : 0;
    }
    int[] ends = new int[lines];
    for (int i = 0, k = 0; i < data.length; i++) {
      if (data[i] == '\n') {
        ends[k++] = i;
      }
    }
    for (int round = 0; round < rounds; round++) {
      long t0 = System.nanoTime();
      int before = 0;
      for (int j = 0, s = 0; j < lines; s = ends[j] + 1, j++) {
        before += firstVersion(data, s, ends[j]) ? 1 : 0;
      }
      long t1 = System.nanoTime();
      int now = 0;
      for (int j = 0, s = 0; j < lines; s = ends[j] + 1, j++) {
        now += TextCheck.maySpellSurrogateInRecord(data, s, ends[j]) ? 1 : 0;
      }
      long t2 = System.nanoTime();
      System.out.printf(Locale.ROOT, "first version %.2f GB/s (%d of %d lines walked)   "
          + "now %.2f GB/s (%d walked)%n", data.length / (double) (t1 - t0), before, lines,
          data.length / (double) (t2 - t1), now);
    }
  }
}
