package dev.refinery.internal;

/**
 * Sorts records of {@code width} longs laid out back to back in one array, lexicographically with
 * signed comparison. Avoids an index array or boxed records so a run buffer of millions of records
 * sorts in place. Quicksort (median of three) with insertion sort for short ranges; recursion only
 * on the smaller side, so the stack stays logarithmic.
 */
final class StridedSort {
  private static final int INSERTION_LIMIT = 16;

  private StridedSort() {}

  static void sort(long[] a, int records, int width) {
    if (width == 1) {
      java.util.Arrays.sort(a, 0, records);
      return;
    }
    sort(a, 0, records - 1, width, new long[width]);
  }

  static int compare(long[] a, int i, long[] b, int j, int width) {
    int x = i * width;
    int y = j * width;
    for (int k = 0; k < width; k++) {
      int c = Long.compare(a[x + k], b[y + k]);
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  private static void sort(long[] a, int lo, int hi, int w, long[] pivot) {
    while (hi - lo >= INSERTION_LIMIT) {
      int mid = (lo + hi) >>> 1;
      if (compare(a, mid, a, lo, w) < 0) {
        swap(a, mid, lo, w);
      }
      if (compare(a, hi, a, lo, w) < 0) {
        swap(a, hi, lo, w);
      }
      if (compare(a, hi, a, mid, w) < 0) {
        swap(a, hi, mid, w);
      }
      System.arraycopy(a, mid * w, pivot, 0, w);
      int i = lo;
      int j = hi;
      while (i <= j) {
        while (compare(a, i, pivot, 0, w) < 0) {
          i++;
        }
        while (compare(a, j, pivot, 0, w) > 0) {
          j--;
        }
        if (i <= j) {
          swap(a, i, j, w);
          i++;
          j--;
        }
      }
      if (j - lo < hi - i) {
        sort(a, lo, j, w, pivot);
        lo = i;
      } else {
        sort(a, i, hi, w, pivot);
        hi = j;
      }
    }
    insertion(a, lo, hi, w);
  }

  private static void insertion(long[] a, int lo, int hi, int w) {
    for (int i = lo + 1; i <= hi; i++) {
      for (int j = i; j > lo && compare(a, j, a, j - 1, w) < 0; j--) {
        swap(a, j, j - 1, w);
      }
    }
  }

  private static void swap(long[] a, int i, int j, int w) {
    int x = i * w;
    int y = j * w;
    for (int k = 0; k < w; k++) {
      long t = a[x + k];
      a[x + k] = a[y + k];
      a[y + k] = t;
    }
  }
}
