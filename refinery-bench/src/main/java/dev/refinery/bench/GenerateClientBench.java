package dev.refinery.bench;

import dev.refinery.generate.ChatClient;
import dev.refinery.generate.ChatRequest;
import dev.refinery.generate.ClientOptions;
import dev.refinery.generate.RetryPolicy;
import dev.refinery.sample.Message;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sustained requests per second of {@link ChatClient} against {@link InstantChatServer} (started
 * as a separate process, so the client's own CPU can be measured apart), with 64 and 256 requests
 * in flight, and the client's CPU time per request (process CPU time of this JVM over the
 * measured window). The server shares the machine's cores: on 2 cores it takes part of the CPU.
 *
 * <pre>
 * refinery-bench/run.sh generate-client [SECONDS] [IN_FLIGHT...]
 * </pre>
 */
public final class GenerateClientBench {
  private GenerateClientBench() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    List<Integer> levels = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      levels.add(Integer.parseInt(args[i]));
    }
    if (levels.isEmpty()) {
      levels = List.of(64, 256);
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // nodelay: without it Nagle and delayed ACKs add ~40 ms to every small response.
    Process server = new ProcessBuilder(java, "-Xmx256m", "-Dsun.net.httpserver.nodelay=true",
        "-cp",
        System.getProperty("java.class.path"), InstantChatServer.class.getName(), "8")
        .redirectErrorStream(true).start();
    try {
      int port = Integer.parseInt(new BufferedReader(new InputStreamReader(
          server.getInputStream(), StandardCharsets.UTF_8)).readLine().trim());
      ChatRequest request = ChatRequest.of("bench", List.of(Message.of("user", "2+2?")));
      var os = (com.sun.management.OperatingSystemMXBean)
          ManagementFactory.getOperatingSystemMXBean();
      System.out.printf("%-10s %10s %12s %16s %8s%n", "in flight", "requests", "requests/s",
          "client CPU/req", "errors");
      for (int inFlight : levels) {
        ChatClient client = ChatClient.open(new ClientOptions(
            URI.create("http://127.0.0.1:" + port + "/v1"), null, inFlight,
            Duration.ofSeconds(30), RetryPolicy.DEFAULT));
        run(client, request, inFlight, Math.max(3, seconds / 3)); // warm-up
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        long[] counts = run(client, request, inFlight, seconds);
        double wall = (System.nanoTime() - t0) / 1e9;
        double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
        System.out.printf(Locale.ROOT, "%-10d %10d %12.0f %13.0f us %8d%n", inFlight, counts[0],
            counts[0] / wall, cpu / Math.max(1, counts[0]) * 1e6, counts[1]);
      }
    } finally {
      server.destroyForcibly();
    }
  }

  /** Requests done and failed by {@code threads} callers in {@code seconds}. */
  private static long[] run(ChatClient client, ChatRequest request, int threads, int seconds)
      throws InterruptedException {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    AtomicLong done = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    List<Thread> callers = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      Thread t = new Thread(() -> {
        while (System.nanoTime() < deadline) {
          try {
            client.complete(request);
            done.incrementAndGet();
          } catch (InterruptedException e) {
            return;
          } catch (RuntimeException e) {
            failed.incrementAndGet();
          }
        }
      });
      t.start();
      callers.add(t);
    }
    for (Thread t : callers) {
      t.join();
    }
    return new long[] {done.get(), failed.get()};
  }
}
