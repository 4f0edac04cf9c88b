package dev.refinery.io;

/**
 * Bounds the bytes of Parquet row groups held in memory at once by all readers of this process.
 * parquet-java reads a whole row group's column chunks into the heap, so N threads each reading a
 * 128 MB row group need N × 128 MB: on a 64-core machine with a 512 MB heap that fails however
 * small the dataset. Readers take the row group's size from this budget before reading it and
 * give it back when done; a thread that would overdraw waits for others to finish. Heap is a
 * process-wide resource, so this one piece of shared state is deliberate.
 */
final class RowGroupBudget {
  /** Half the heap for row group buffers leaves room for decoded rows and everything else. */
  static final RowGroupBudget SHARED = new RowGroupBudget(Runtime.getRuntime().maxMemory() / 2);

  private final long capacity;
  private long used;

  RowGroupBudget(long capacity) {
    this.capacity = Math.max(1, capacity);
  }

  /**
   * Takes {@code bytes} (at most the whole budget, so one oversized row group can still be read
   * alone) and returns what was taken, to hand back to {@link #release}.
   */
  synchronized long acquire(long bytes) throws InterruptedException {
    long take = Math.max(0, Math.min(bytes, capacity));
    while (used + take > capacity) {
      wait();
    }
    used += take;
    return take;
  }

  synchronized void release(long taken) {
    used -= taken;
    notifyAll();
  }

  synchronized long used() {
    return used;
  }
}
