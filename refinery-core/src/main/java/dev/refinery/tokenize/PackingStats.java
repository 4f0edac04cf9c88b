package dev.refinery.tokenize;

/**
 * What packing produced: an immutable value; {@link #plus} adds two partitions packed with the
 * same {@code maxLength}.
 *
 * @param maxLength the sequence length packed into
 * @param documents documents packed
 * @param tokens tokens packed
 * @param sequences sequences produced
 */
public record PackingStats(int maxLength, long documents, long tokens, long sequences) {

  public static PackingStats zero(int maxLength) {
    return new PackingStats(maxLength, 0, 0, 0);
  }

  public PackingStats plus(PackingStats o) {
    if (o.maxLength != maxLength) {
      throw new IllegalArgumentException("Cannot add packing stats at max_length " + maxLength
          + " and " + o.maxLength + ".");
    }
    return new PackingStats(maxLength, documents + o.documents, tokens + o.tokens,
        sequences + o.sequences);
  }

  /**
   * Tokens over the room the sequences offer, {@code tokens / (sequences * maxLength)}: 1.0 means
   * no padding at all; 0 when nothing was packed.
   */
  public double efficiency() {
    return sequences == 0 ? 0.0 : (double) tokens / ((double) sequences * maxLength);
  }
}
