package dev.refinery.io;

import dev.refinery.internal.TextCheck;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The bytes a streaming JSON parser reads, watched for anything that may spell an unpaired
 * surrogate ({@link TextCheck#maySpellSurrogate}), so that a reader walks a parsed record's strings
 * only when its bytes may hold one. The parser reads ahead, so the answer can be yes for a record
 * whose next one has the bytes (a wasted walk), never no for one that has them.
 */
final class SurrogateWatch extends FilterInputStream {
  // The longest pattern is four bytes ("\\uD8"): three carried over find one split between reads.
  private static final int CARRY = 3;
  private final byte[] window = new byte[2 * CARRY];
  private int carried;
  private long position;
  private long suspectBefore = -1;

  SurrogateWatch(InputStream in) {
    super(in);
  }

  /** Whether the bytes from stream offset {@code start} on may spell an unpaired surrogate. */
  boolean maySpellSurrogateFrom(long start) {
    return start < 0 || suspectBefore > start;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = in.read(b, off, len);
    if (n > 0) {
      int head = Math.min(n, CARRY);
      System.arraycopy(b, off, window, carried, head);
      if (TextCheck.maySpellSurrogate(window, 0, carried + head)
          || TextCheck.maySpellSurrogate(b, off, off + n)) {
        suspectBefore = position + n;
      }
      position += n;
      // The last bytes read, for the boundary with the next read.
      int keep = Math.min(CARRY, carried + n);
      if (n >= CARRY) {
        System.arraycopy(b, off + n - CARRY, window, 0, CARRY);
      } else {
        System.arraycopy(window, carried + head - keep, window, 0, keep);
      }
      carried = keep;
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    // Read, so that positions stay the parser's byte offsets.
    int r = read(new byte[(int) Math.min(Math.max(n, 0), 8192)]);
    return Math.max(r, 0);
  }

  @Override
  public boolean markSupported() {
    return false;
  }
}
