package dev.refinery.tokenize;

import java.util.Arrays;
import java.util.List;

/**
 * Several documents packed into one training sequence, with their boundaries kept. Not padded:
 * its length is the sum of its documents' lengths, at most the packer's {@code max_length}; the
 * trainer (or an exporter) pads if it needs fixed shapes.
 *
 * <p>Like {@link TokenizedSample}, the arrays are shared, never copied; do not change them.
 *
 * @param inputIds the documents' tokens, one after the other
 * @param lossMask the documents' loss masks, one after the other
 * @param positionIds 0, 1, 2, ... restarting at 0 where each document starts
 * @param cuSeqlens cumulative document boundaries: 0, then the end offset of each document; so
 *     document {@code i} spans {@code [cuSeqlens[i], cuSeqlens[i + 1])} and the last entry is the
 *     sequence's length (the layout flash-attention's varlen kernels take)
 * @param uuids the source uuid of each document, in order
 */
public record PackedSequence(
    int[] inputIds, byte[] lossMask, int[] positionIds, int[] cuSeqlens, List<String> uuids) {

  public PackedSequence {
    uuids = List.copyOf(uuids.stream().map(u -> u == null ? "" : u).toList());
  }

  /** The number of tokens. */
  public int length() {
    return inputIds.length;
  }

  /** The number of documents. */
  public int documents() {
    return cuSeqlens.length - 1;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PackedSequence p
        && Arrays.equals(inputIds, p.inputIds)
        && Arrays.equals(lossMask, p.lossMask)
        && Arrays.equals(positionIds, p.positionIds)
        && Arrays.equals(cuSeqlens, p.cuSeqlens)
        && uuids.equals(p.uuids);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(inputIds) + Arrays.hashCode(cuSeqlens);
  }

  @Override
  public String toString() {
    return "PackedSequence[length=" + inputIds.length + ", cuSeqlens="
        + Arrays.toString(cuSeqlens) + ", uuids=" + uuids + "]";
  }
}
