package dev.refinery.dedup.minhash;

import java.util.Arrays;

/**
 * Disjoint sets over ordinals, only those that appear in a verified pair. Ordinals map to dense
 * ids through an open-addressing table of primitive longs (no boxing), and each set tracks its
 * smallest ordinal, the member kept. Memory: about 40 bytes per ordinal seen. Not thread safe.
 */
final class UnionFind {
  private long[] keys = new long[1024];
  private int[] ids = new int[1024];
  private boolean[] used = new boolean[1024];
  private int count;
  private long[] ordinals = new long[256];
  private int[] parent = new int[256];
  private int[] size = new int[256];
  private long[] minOrdinal = new long[256];

  int count() {
    return count;
  }

  long ordinal(int id) {
    return ordinals[id];
  }

  void union(long x, long y) {
    int a = find(id(x));
    int b = find(id(y));
    if (a == b) {
      return;
    }
    if (size[a] < size[b]) {
      int t = a;
      a = b;
      b = t;
    }
    parent[b] = a;
    size[a] += size[b];
    minOrdinal[a] = Math.min(minOrdinal[a], minOrdinal[b]);
  }

  int find(int id) {
    int root = id;
    while (parent[root] != root) {
      root = parent[root];
    }
    while (parent[id] != root) {
      int next = parent[id];
      parent[id] = root;
      id = next;
    }
    return root;
  }

  int setSize(int root) {
    return size[root];
  }

  /** The smallest ordinal in the set whose root is {@code root}. */
  long minOrdinal(int root) {
    return minOrdinal[root];
  }

  private int id(long ordinal) {
    int mask = keys.length - 1;
    int slot = (int) (MinHasher.fmix(ordinal) & mask);
    while (used[slot]) {
      if (keys[slot] == ordinal) {
        return ids[slot];
      }
      slot = (slot + 1) & mask;
    }
    int id = count++;
    used[slot] = true;
    keys[slot] = ordinal;
    ids[slot] = id;
    if (id == parent.length) {
      int n = id * 2;
      ordinals = Arrays.copyOf(ordinals, n);
      parent = Arrays.copyOf(parent, n);
      size = Arrays.copyOf(size, n);
      minOrdinal = Arrays.copyOf(minOrdinal, n);
    }
    ordinals[id] = ordinal;
    parent[id] = id;
    size[id] = 1;
    minOrdinal[id] = ordinal;
    if (count * 2 > keys.length) {
      rehash();
    }
    return id;
  }

  private void rehash() {
    long[] oldKeys = keys;
    int[] oldIds = ids;
    boolean[] oldUsed = used;
    keys = new long[oldKeys.length * 2];
    ids = new int[oldKeys.length * 2];
    used = new boolean[oldKeys.length * 2];
    int mask = keys.length - 1;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldUsed[i]) {
        int slot = (int) (MinHasher.fmix(oldKeys[i]) & mask);
        while (used[slot]) {
          slot = (slot + 1) & mask;
        }
        used[slot] = true;
        keys[slot] = oldKeys[i];
        ids[slot] = oldIds[i];
      }
    }
  }
}
