package dev.refinery.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Peak Java heap of a stretch of work in this JVM: the heap pools' peak usage (reset before,
 * read after; the sum of per-pool peaks, an upper bound since pools peak at different times) and
 * the largest heap left after any GC in between (the live set: what the work actually holds on
 * to, independent of how lazily the collector empties the young generation).
 */
final class HeapProbe implements AutoCloseable {
  /** What was measured. */
  record Peak(long poolPeakSum, Map<String, Long> poolPeaks, long maxAfterGc, int gcs) {}

  private final List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans().stream()
      .filter(p -> p.getType() == MemoryType.HEAP).toList();
  private final Set<String> heapPoolNames =
      pools.stream().map(MemoryPoolMXBean::getName).collect(Collectors.toSet());
  private final AtomicLong maxAfterGc = new AtomicLong();
  private final AtomicLong gcs = new AtomicLong();
  private final NotificationListener listener = this::onGc;

  HeapProbe() {
    System.gc();
    for (MemoryPoolMXBean p : pools) {
      p.resetPeakUsage();
    }
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      ((NotificationEmitter) gc).addNotificationListener(listener, null, null);
    }
  }

  private void onGc(Notification n, Object handback) {
    if (!n.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
      return;
    }
    GarbageCollectionNotificationInfo info =
        GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
    long used = 0;
    for (Map.Entry<String, MemoryUsage> e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
      if (heapPoolNames.contains(e.getKey())) {
        used += e.getValue().getUsed();
      }
    }
    gcs.incrementAndGet();
    maxAfterGc.accumulateAndGet(used, Math::max);
  }

  /** Reads the peaks; call once the work is done. */
  Peak peak() {
    Map<String, Long> perPool = new LinkedHashMap<>();
    long sum = 0;
    for (MemoryPoolMXBean p : pools) {
      long used = p.getPeakUsage().getUsed();
      perPool.put(p.getName(), used);
      sum += used;
    }
    return new Peak(sum, perPool, maxAfterGc.get(), (int) gcs.get());
  }

  @Override
  public void close() {
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      try {
        ((NotificationEmitter) gc).removeNotificationListener(listener);
      } catch (javax.management.ListenerNotFoundException ignored) {
        // Already gone.
      }
    }
  }
}
