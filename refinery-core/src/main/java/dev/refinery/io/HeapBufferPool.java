package dev.refinery.io;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Set;
import org.apache.parquet.bytes.ByteBufferAllocator;

/**
 * Heap buffers for the compressed column chunks of row groups, handed back when the row group is
 * closed and lent again to the next one. parquet-java reads a row group into pieces of up to 8 MB,
 * each above G1's humongous threshold: allocated anew for every row group, they set off a GC every
 * few row groups. Only arrays this pool lent are taken back, each once; at most {@code capacity}
 * bytes wait idle.
 */
final class HeapBufferPool implements ByteBufferAllocator {
  /** Shared by the readers of a process, like {@link RowGroupBudget}: an eighth of the heap. */
  static final HeapBufferPool SHARED = new HeapBufferPool(Runtime.getRuntime().maxMemory() / 8);

  private final long capacity;
  private final ArrayDeque<byte[]> idle = new ArrayDeque<>();
  private final Set<byte[]> lent = Collections.newSetFromMap(new IdentityHashMap<>());
  private long idleBytes;

  HeapBufferPool(long capacity) {
    this.capacity = capacity;
  }

  @Override
  public synchronized ByteBuffer allocate(int size) {
    byte[] array = null;
    for (Iterator<byte[]> it = idle.iterator(); it.hasNext(); ) {
      byte[] a = it.next();
      // Large enough, and not much larger: a small piece does not take a big array.
      if (a.length >= size && a.length <= 2L * size) {
        it.remove();
        idleBytes -= a.length;
        array = a;
        break;
      }
    }
    if (array == null) {
      array = new byte[size];
    }
    lent.add(array);
    return ByteBuffer.wrap(array, 0, size).slice();
  }

  @Override
  public synchronized void release(ByteBuffer b) {
    if (!b.hasArray()) {
      return;
    }
    byte[] array = b.array();
    if (lent.remove(array) && idleBytes + array.length <= capacity) {
      idle.push(array);
      idleBytes += array.length;
    }
  }

  @Override
  public boolean isDirect() {
    return false;
  }

  synchronized long idleBytes() {
    return idleBytes;
  }
}
