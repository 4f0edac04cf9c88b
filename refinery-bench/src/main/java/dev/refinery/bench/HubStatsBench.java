package dev.refinery.bench;

import dev.refinery.Refinery;
import dev.refinery.dataset.RejectHandler;
import dev.refinery.format.Formats;
import dev.refinery.hub.HubClient;
import dev.refinery.hub.HubPaths;
import dev.refinery.hub.TestHub;
import dev.refinery.io.InputFile;
import dev.refinery.io.Inputs;
import dev.refinery.stats.DatasetStats;
import dev.refinery.stats.StatsCollector;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Issue 12's benchmark: {@code refinery stats} over {@code hf://} against the same files on local
 * disk, with the Hub a loopback server (refinery-core's test {@link TestHub}: the Hub's API, a 302
 * from each file's resolve URL to a second, storage server that serves byte ranges). In one JVM,
 * runs alternating (which goes first alternates too); each Hub run opens the repository afresh
 * ({@link HubPaths#forget()}: the revision's commit, the tree listing, every footer fetched again).
 * Prints wall times, the median ratio hub/local, bytes fetched against the files' size and the
 * requests sent, and checks both give the same {@link DatasetStats#toJson()}. Then the same for
 * one split ({@code --split}), and what one request and one whole-file download cost on loopback.
 *
 * <pre>
 * java -Xmx1g -cp 'refinery-bench/target/refinery-bench-*.jar:refinery-bench/target/lib/*' \
 *     dev.refinery.bench.HubStatsBench [DIR] [REPETITIONS] [--rows N] [--split NAME|none]
 *     [--page-size N]
 * </pre>
 *
 * DIR defaults to {@code refinery-bench/target/bench-data/nemotron-300k} and is generated with
 * {@code --rows} rows (default 300,000) when it has no {@code data} folder. Loopback has no
 * network latency and no bandwidth limit: what this measures is Refinery's own cost of reading
 * through HTTP (requests, redirects, copies), not what a real Hub adds. The loopback server runs
 * with TCP_NODELAY ({@code -Dsun.net.httpserver.nodelay=true}) unless the property is set: pass
 * {@code -Dsun.net.httpserver.nodelay=false} for the JDK server's default, Nagle's algorithm on.
 */
public final class HubStatsBench {
  static final Path DEFAULT_DIR = Path.of("refinery-bench/target/bench-data/nemotron-300k");
  static final long DEFAULT_ROWS = 300_000;
  static final String REPO = "bench/data";
  static final String HUB = "hf://datasets/" + REPO;
  static final String SHA = "0123456789abcdef0123456789abcdef01234567";
  static final String NODELAY = "sun.net.httpserver.nodelay";

  private HubStatsBench() {}

  /** One run's figures. */
  record Run(double seconds, String json, long bytesServed, long fileRequests, long requests,
             long bytesFetched, double cpu, double serverCpu, long gcs, double gcSeconds,
             List<String> ranges) {}

  public static void main(String[] args) throws Exception {
    Path dir = DEFAULT_DIR;
    int reps = 3;
    long rows = DEFAULT_ROWS;
    String split = "math";
    int pageSize = 1000;
    int positional = 0;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rows" -> rows = Long.parseLong(args[++i].replace("_", "").replace(",", ""));
        case "--split" -> split = args[++i];
        case "--page-size" -> pageSize = Integer.parseInt(args[++i]);
        default -> {
          if (args[i].startsWith("-")) {
            throw new IllegalArgumentException("unknown option " + args[i]);
          }
          if (positional++ == 0) {
            dir = Path.of(args[i]);
          } else {
            reps = Integer.parseInt(args[i]);
          }
        }
      }
    }
    List<InputFile> files = BenchData.ensure(dir, rows);
    long totalBytes = BenchData.bytesOnDisk(files);
    Path root = dir.toAbsolutePath().normalize();
    String local = root.toString();

    // The JDK's HttpServer leaves Nagle's algorithm on: with the client's delayed ACKs a small
    // answer then waits tens of ms on loopback (28-31 ms a range measured, against 3.5 ms with
    // it off), a cost of the test server, not of Refinery or of the Hub. Off unless set.
    if (System.getProperty(NODELAY) == null) {
      System.setProperty(NODELAY, "true");
    }
    try (TestHub hub = new TestHub()) {
      hub.pageSize = pageSize;
      hub.repo(REPO, root, SHA, false);
      System.setProperty(HubClient.ENDPOINT_VARIABLE, hub.endpoint().toString());

      System.out.printf("dataset %s: %d files, %,d bytes; served as %s by a loopback Hub at %s "
              + "(tree pages of %d)%n", dir, files.size(), totalBytes, HUB, hub.endpoint(),
          pageSize);
      System.out.printf("JVM %s, max heap %,d MB, %d processors; %s=%s%n",
          System.getProperty("java.vm.version"), Runtime.getRuntime().maxMemory() >> 20,
          Runtime.getRuntime().availableProcessors(), NODELAY, System.getProperty(NODELAY));

      // Warm-up: JIT, page cache, the server's threads.
      Run wl = local(local, List.of());
      Run wh = hub(hub, HUB, List.of());
      System.out.printf("warm-up: local %.2f s, hub %.2f s%s%n", wl.seconds, wh.seconds,
          wl.json.equals(wh.json) ? "" : "  STATS DIFFER");

      compare(hub, "all files", local, List.of(), reps, totalBytes, files.size());

      if (!split.equals("none")) {
        List<InputFile> splitFiles = Inputs.resolve(local, List.of(split));
        compare(hub, "split " + split, local, List.of(split), reps,
            BenchData.bytesOnDisk(splitFiles), splitFiles.size());
      }

      perRequest(hub, files);
    } finally {
      System.clearProperty(HubClient.ENDPOINT_VARIABLE);
      HubPaths.forget();
    }
    // TestHub.close() stops its servers but not their executors, whose threads are not daemons.
    System.exit(0);
  }

  private static void compare(TestHub hub, String what, String local, List<String> splits,
      int reps, long bytes, int nFiles) {
    System.out.println();
    System.out.printf("%s: %d files, %,d bytes%n", what, nFiles, bytes);
    double[] localTimes = new double[reps];
    double[] hubTimes = new double[reps];
    List<Run> hubRuns = new ArrayList<>();
    boolean same = true;
    for (int i = 0; i < reps; i++) {
      Run l;
      Run h;
      if (i % 2 == 0) {
        l = local(local, splits);
        h = hub(hub, HUB, splits);
      } else {
        h = hub(hub, HUB, splits);
        l = local(local, splits);
      }
      localTimes[i] = l.seconds;
      hubTimes[i] = h.seconds;
      hubRuns.add(h);
      same &= l.json.equals(h.json);
      System.out.printf("rep %d%s: local %6.2f s  hub %6.2f s  (%.2fx)  served %,d bytes "
              + "(%.4fx the files) in %,d file requests; client: %,d HTTP requests, %,d bytes%n",
          i + 1, i % 2 == 0 ? " local first" : " hub first  ", l.seconds, h.seconds,
          h.seconds / l.seconds, h.bytesServed, (double) h.bytesServed / bytes, h.fileRequests,
          h.requests, h.bytesFetched);
      System.out.printf("        CPU: local %5.2f s, hub %5.2f s of which the loopback server's "
          + "threads %5.2f s (the rest %5.2f s); GCs: local %d (%.2f s), hub %d (%.2f s)%n", l.cpu,
          h.cpu, h.serverCpu, h.cpu - h.serverCpu, l.gcs, l.gcSeconds, h.gcs, h.gcSeconds);
    }
    double ml = StatsVsDuckDb.median(localTimes);
    double mh = StatsVsDuckDb.median(hubTimes);
    Run last = hubRuns.get(hubRuns.size() - 1);
    System.out.printf("%s: local median %.2f s %s, hub median %.2f s %s, ratio hub/local %.2f "
            + "(of medians; median of per-rep ratios %.2f)%n", what, ml,
        Arrays.toString(StatsVsDuckDb.round(localTimes)), mh,
        Arrays.toString(StatsVsDuckDb.round(hubTimes)), mh / ml, medianRatio(hubTimes,
            localTimes));
    System.out.printf("%s: bytes served %,d for %,d bytes of files: %.4fx, %,d bytes over "
            + "(%.1f KB a file); %,d file requests (%.1f a file), %,d HTTP requests in all "
            + "(revision, tree pages, a 302 per file the first time; later ranges go straight to "
            + "storage)%n", what, last.bytesServed, bytes,
        (double) last.bytesServed / bytes, last.bytesServed - bytes,
        (last.bytesServed - bytes) / 1024.0 / nFiles, last.fileRequests,
        (double) last.fileRequests / nFiles, last.requests);
    System.out.println(what + ": Range headers of the last hub run: " + last.ranges);
    System.out.println(what + ": stats JSON " + (same ? "IDENTICAL" : "DIFFERS") + " hub vs local");
  }

  private static double medianRatio(double[] a, double[] b) {
    double[] r = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      r[i] = a[i] / b[i];
    }
    return StatsVsDuckDb.median(r);
  }

  /** {@code Refinery.stats} of a path, or of its splits when some are given. */
  private static DatasetStats stats(String path, List<String> splits) {
    if (splits.isEmpty()) {
      return Refinery.stats(path);
    }
    List<InputFile> files = Inputs.resolve(path, splits);
    return StatsCollector.collect(files, Formats.detect(files.get(0)), RejectHandler.IGNORE);
  }

  private static Run local(String path, List<String> splits) {
    long c0 = processCpu();
    long[] g0 = gcs();
    long t0 = System.nanoTime();
    DatasetStats s = stats(path, splits);
    double seconds = (System.nanoTime() - t0) / 1e9;
    long[] g1 = gcs();
    return new Run(seconds, s.toJson(), 0, 0, 0, 0, (processCpu() - c0) / 1e9, 0, g1[0] - g0[0],
        (g1[1] - g0[1]) / 1e3, List.of());
  }

  private static Run hub(TestHub hub, String path, List<String> splits) {
    HubPaths.forget();
    hub.resetCounts();
    // One client per endpoint and token in a process: this run's counts are the differences.
    HubClient shared = HubPaths.clientOf(HubPaths.of(path));
    long requests0 = shared.requests();
    long bytes0 = shared.bytesFetched();
    HubPaths.forget();
    hub.resetCounts();
    long c0 = processCpu();
    long s0 = serverCpu();
    long[] g0 = gcs();
    long t0 = System.nanoTime();
    DatasetStats s = stats(path, splits);
    double seconds = (System.nanoTime() - t0) / 1e9;
    double cpu = (processCpu() - c0) / 1e9;
    double server = (serverCpu() - s0) / 1e9;
    long[] g1 = gcs();
    HubClient client = HubPaths.clientOf(HubPaths.of(path));
    return new Run(seconds, s.toJson(), hub.bytesServed(), hub.fileRequests(),
        client.requests() - requests0, client.bytesFetched() - bytes0, cpu, server, g1[0] - g0[0], (g1[1] - g0[1]) / 1e3, hub.ranges());
  }

  /** Collections so far and their milliseconds, every collector (G1's pauses; concurrent cycles). */
  private static long[] gcs() {
    long n = 0;
    long ms = 0;
    for (java.lang.management.GarbageCollectorMXBean b
        : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
      n += Math.max(0, b.getCollectionCount());
      ms += Math.max(0, b.getCollectionTime());
    }
    return new long[] {n, ms};
  }

  /** CPU time of the whole process (every thread, GC's too). */
  private static long processCpu() {
    return ((com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /**
   * CPU time of the loopback server's threads: the JDK HttpServer's dispatchers and TestHub's
   * executors (the default thread factory's pool-N-thread-M; Refinery and the JDK HttpClient name
   * theirs). They live as long as the server, so a difference of two sums is what a run cost it.
   */
  private static long serverCpu() {
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("pool-") || t.getName().startsWith("HTTP-Dispatcher")) {
        long ns = mx.getThreadCpuTime(t.getId());
        sum += Math.max(0, ns);
      }
    }
    return sum;
  }

  /**
   * What a request costs on loopback: 4 KB ranges of the smallest and the largest file, each a
   * resolve (302) and a storage request; and one whole-file download of the largest, for MB/s.
   */
  private static void perRequest(TestHub hub, List<InputFile> files) throws IOException {
    List<InputFile> bySize = new ArrayList<>(files);
    bySize.sort(Comparator.comparingLong(f -> size(f.path())));
    HubPaths.forget();
    HubClient client = HubPaths.clientOf(HubPaths.of(HUB));
    System.out.println();
    int n = 200;
    for (InputFile f : List.of(bySize.get(0), bySize.get(bySize.size() - 1))) {
      String name = "data/" + f.path().getFileName();
      long size = size(f.path());
      for (int i = 0; i < 20; i++) {
        range(client, name, 0, 4096);
      }
      long r0 = client.requests();
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        long from = (size - 4096) * i / n;
        range(client, name, from, from + 4096);
      }
      double ms = (System.nanoTime() - t0) / 1e6 / n;
      System.out.printf("one 4 KB range of %s (%,d bytes): %.2f ms (%.2f HTTP requests each: "
          + "after the file's first, straight to storage)%n", name, size, ms,
          (client.requests() - r0) / (double) n);
    }
    InputFile big = bySize.get(bySize.size() - 1);
    String name = "data/" + big.path().getFileName();
    long size = size(big.path());
    range(client, name, 0, size);
    double[] s = new double[3];
    for (int i = 0; i < s.length; i++) {
      long t0 = System.nanoTime();
      range(client, name, 0, size);
      s[i] = (System.nanoTime() - t0) / 1e9;
    }
    double med = StatsVsDuckDb.median(s);
    System.out.printf("whole %s in one request: %.3f s median of %d, %.0f MB/s%n", name, med,
        s.length, size / 1e6 / med);
  }

  private static long range(HubClient client, String path, long from, long to)
      throws IOException {
    byte[] buf = new byte[1 << 16];
    long n = 0;
    try (InputStream in = client.open(REPO, SHA, path, from, to)) {
      for (int k; (k = in.read(buf)) > 0; ) {
        n += k;
      }
    }
    if (n != to - from) {
      throw new IOException(path + ": " + n + " bytes, expected " + (to - from));
    }
    return n;
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
