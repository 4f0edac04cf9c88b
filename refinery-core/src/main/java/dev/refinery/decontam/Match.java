package dev.refinery.decontam;

import java.io.Serializable;

/**
 * A benchmark n-gram found in a text: the first one in the text's word order.
 *
 * @param item the benchmark item that has the n-gram (the earliest loaded one when several do)
 * @param itemIndex the item's position in {@link Decontaminator#items()}
 * @param ngram the overlapping words, normalized and joined by single spaces
 * @param wordOffset where the n-gram starts among the text's normalized words (0-based)
 */
public record Match(BenchmarkItem item, int itemIndex, String ngram, int wordOffset)
    implements Serializable {

  public String benchmark() {
    return item.benchmark();
  }
}
