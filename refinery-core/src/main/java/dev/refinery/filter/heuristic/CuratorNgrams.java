package dev.refinery.filter.heuristic;

import dev.refinery.filter.heuristic.CuratorText.Regions;

/**
 * Word n-grams of one text counted without copying words or building keys: words become small
 * ids through an open-addressing table over their regions, n-grams through one over id ranges.
 * The repetition filters spend most of their time here.
 */
final class CuratorNgrams {
  /** Per n-gram start: the start of its first occurrence. */
  private final int[] firstOffset;
  /** Per first occurrence: how many times the n-gram occurs (0 for non-first starts). */
  private final int[] occurrences;

  private CuratorNgrams(int[] firstOffset, int[] occurrences) {
    this.firstOffset = firstOffset;
    this.occurrences = occurrences;
  }

  /** Requires {@code words.size() >= n}. */
  static CuratorNgrams count(String text, Regions words, int n) {
    int[] ids = wordIds(text, words);
    int count = words.size() - n + 1;
    int[] table = new int[tableSize(count)];
    int mask = table.length - 1;
    int[] first = new int[count];
    int[] occurrences = new int[count];
    for (int i = 0; i < count; i++) {
      int h = 1;
      for (int k = i; k < i + n; k++) {
        h = 31 * h + ids[k];
      }
      int slot = mix(h) & mask;
      while (true) {
        int entry = table[slot];
        if (entry == 0) {
          table[slot] = i + 1;
          first[i] = i;
          occurrences[i] = 1;
          break;
        }
        int j = entry - 1;
        if (sameIds(ids, i, j, n)) {
          first[i] = j;
          occurrences[j]++;
          break;
        }
        slot = (slot + 1) & mask;
      }
    }
    return new CuratorNgrams(first, occurrences);
  }

  int size() {
    return firstOffset.length;
  }

  /** Start of the first occurrence of the n-gram starting at {@code i}. */
  int firstOccurrence(int i) {
    return firstOffset[i];
  }

  /** How many times the n-gram starting at {@code i} occurs in the whole text. */
  int occurrences(int i) {
    return occurrences[firstOffset[i]];
  }

  private static boolean sameIds(int[] ids, int a, int b, int n) {
    for (int k = 0; k < n; k++) {
      if (ids[a + k] != ids[b + k]) {
        return false;
      }
    }
    return true;
  }

  /** Each word as a small int: equal words, equal ids. */
  private static int[] wordIds(String text, Regions words) {
    int count = words.size();
    int[] ids = new int[count];
    int[] table = new int[tableSize(count)];
    int mask = table.length - 1;
    int nextId = 0;
    for (int w = 0; w < count; w++) {
      int start = words.start(w);
      int end = words.end(w);
      int h = 0;
      for (int i = start; i < end; i++) {
        h = 31 * h + text.charAt(i);
      }
      int slot = mix(h) & mask;
      while (true) {
        int entry = table[slot];
        if (entry == 0) {
          table[slot] = w + 1;
          ids[w] = nextId++;
          break;
        }
        int other = entry - 1;
        int otherStart = words.start(other);
        if (words.end(other) - otherStart == end - start
            && text.regionMatches(start, text, otherStart, end - start)) {
          ids[w] = ids[other];
          break;
        }
        slot = (slot + 1) & mask;
      }
    }
    return ids;
  }

  private static int tableSize(int entries) {
    return Integer.highestOneBit(Math.max(4, entries) * 2) << 1;
  }

  private static int mix(int h) {
    h *= 0x9E3779B9;
    return h ^ (h >>> 16);
  }
}
