package dev.refinery.decontam;

import java.io.Serializable;

/**
 * An immutable map from n-gram key to the index of the first benchmark item that has the n-gram:
 * open addressing with linear probing over two primitive arrays (12 bytes a slot instead of a
 * String and a boxed entry per n-gram), at most half full so a miss, the usual answer, ends after
 * about two probes. Key 0 marks an empty slot; a real key of 0 is stored as 1, which at worst adds
 * one more candidate that the caller's confirmation rejects.
 */
final class NgramIndex implements Serializable {
  private static final long serialVersionUID = 1L;

  private final long[] keys;
  private final int[] items;
  private final int size;

  private NgramIndex(long[] keys, int[] items, int size) {
    this.keys = keys;
    this.items = items;
    this.size = size;
  }

  /** The item index stored for the key, or -1. */
  int get(long key) {
    long k = key == 0 ? 1 : key;
    int mask = keys.length - 1;
    for (int slot = (int) k & mask; ; slot = (slot + 1) & mask) {
      long at = keys[slot];
      if (at == k) {
        return items[slot];
      }
      if (at == 0) {
        return -1;
      }
    }
  }

  int size() {
    return size;
  }

  /** Bytes held by the table's arrays. */
  long bytes() {
    return keys.length * 8L + items.length * 4L;
  }

  /** Fills a table, then hands it over to one immutable index; not thread safe. */
  static final class Builder {
    private long[] keys = new long[1 << 10];
    private int[] items = new int[1 << 10];
    private int size;

    /** Keeps the first item given for a key, so matches name the earliest benchmark item. */
    void putIfAbsent(long key, int item) {
      if ((size + 1) * 2L > keys.length) {
        grow();
      }
      if (insert(keys, items, key == 0 ? 1 : key, item)) {
        size++;
      }
    }

    NgramIndex build() {
      NgramIndex index = new NgramIndex(keys, items, size);
      keys = null;
      items = null;
      return index;
    }

    private void grow() {
      long[] oldKeys = keys;
      int[] oldItems = items;
      keys = new long[oldKeys.length * 2];
      items = new int[oldItems.length * 2];
      for (int i = 0; i < oldKeys.length; i++) {
        if (oldKeys[i] != 0) {
          insert(keys, items, oldKeys[i], oldItems[i]);
        }
      }
    }

    private static boolean insert(long[] keys, int[] items, long k, int item) {
      int mask = keys.length - 1;
      for (int slot = (int) k & mask; ; slot = (slot + 1) & mask) {
        if (keys[slot] == k) {
          return false;
        }
        if (keys[slot] == 0) {
          keys[slot] = k;
          items[slot] = item;
          return true;
        }
      }
    }
  }

  @Override
  public String toString() {
    return "NgramIndex[" + size + " keys, " + bytes() + " bytes]";
  }
}
