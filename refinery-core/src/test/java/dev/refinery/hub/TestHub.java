package dev.refinery.hub;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.refinery.internal.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A Hugging Face Hub on loopback, for tests: local folders served as dataset repositories through
 * the Hub's API shapes. {@code /api/datasets/ID/revision/REV} gives the commit, {@code
 * /api/datasets/ID/tree/REV[/PATH]} the listing in pages of {@link #pageSize} with a {@code Link}
 * header to the next, {@code /datasets/ID/resolve/REV/PATH} redirects (302) to a second server,
 * the storage backend, which serves byte ranges. A gated repository answers 401 without its token.
 * Faults can be queued: a status for the next requests, or a body cut short.
 */
public final class TestHub implements AutoCloseable {
  public static final String TOKEN = "hf_test_secret_token_7f3a";

  private record Repo(Path root, String commit, boolean gated) {}

  /** A fault for the next request whose path contains {@code where}. */
  private record Fault(String where, int status, long cutAfter) {}

  private final HttpServer hub;
  private final HttpServer storage;
  private final java.util.concurrent.ExecutorService hubThreads = Executors.newFixedThreadPool(8);
  private final java.util.concurrent.ExecutorService storageThreads =
      Executors.newFixedThreadPool(8);
  private final Map<String, Repo> repos = new ConcurrentHashMap<>();
  private final Deque<Fault> faults = new ConcurrentLinkedDeque<>();
  private final Map<String, String[]> fileIds = new ConcurrentHashMap<>();
  private final AtomicLong bytesServed = new AtomicLong();
  private final AtomicLong fileRequests = new AtomicLong();
  private final AtomicLong resolves = new AtomicLong();
  private volatile String signature = "first";
  private final List<String> storageAuthorizations = Collections.synchronizedList(
      new ArrayList<>());
  private final List<String> ranges = Collections.synchronizedList(new ArrayList<>());
  public volatile int pageSize = 3;

  public TestHub() throws IOException {
    // Small answers go out at once, not after Nagle's ~40 ms (read once per JVM, at the first
    // server).
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
    InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    hub = HttpServer.create(loopback, 64);
    storage = HttpServer.create(loopback, 64);
    hub.createContext("/", this::hub);
    storage.createContext("/", this::storage);
    hub.setExecutor(hubThreads);
    storage.setExecutor(storageThreads);
    hub.start();
    storage.start();
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + hub.getAddress().getPort());
  }

  /** Serves {@code root} as dataset {@code repoId} at commit {@code commit}. */
  public TestHub repo(String repoId, Path root, String commit, boolean gated) {
    repos.put(repoId, new Repo(root, commit, gated));
    return this;
  }

  /** The next {@code times} requests whose path contains {@code where} get {@code status}. */
  public TestHub failNext(String where, int status, int times) {
    for (int i = 0; i < times; i++) {
      faults.add(new Fault(where, status, -1));
    }
    return this;
  }

  /**
   * The next range request to storage whose path contains {@code where} is answered with a 206
   * of the file's first bytes instead of the ones asked for.
   */
  public TestHub misrangeNext(String where) {
    faults.add(new Fault(where, 206, -1));
    return this;
  }

  /** The next file body whose path contains {@code where} stops after {@code bytes} bytes. */
  public TestHub cutNext(String where, long bytes) {
    faults.add(new Fault(where, 0, bytes));
    return this;
  }

  public long bytesServed() {
    return bytesServed.get();
  }

  /** Redirects the Hub gave from a file's resolve URL to the storage backend. */
  public long resolves() {
    return resolves.get();
  }

  /** Signs storage URLs anew: the ones handed out before are refused (403), as expired ones. */
  public void expireSignatures() {
    signature = Long.toHexString(System.nanoTime());
  }

  public long fileRequests() {
    return fileRequests.get();
  }

  /** The Range headers of every file request, in order. */
  public List<String> ranges() {
    return List.copyOf(ranges);
  }

  /** Authorization headers the storage backend received (it must receive none). */
  public List<String> storageAuthorizations() {
    return List.copyOf(storageAuthorizations);
  }

  public void resetCounts() {
    bytesServed.set(0);
    fileRequests.set(0);
    resolves.set(0);
    ranges.clear();
  }

  private Fault takeFault(String path, boolean cut) {
    for (Fault f : faults) {
      if (path.contains(f.where()) && (f.cutAfter() >= 0) == cut && faults.remove(f)) {
        return f;
      }
    }
    return null;
  }

  private static final Pattern API = Pattern.compile(
      "/api/datasets/([^/]+/[^/]+)/(revision|tree)/([^/]+)(/.*)?");
  private static final Pattern RESOLVE = Pattern.compile(
      "/datasets/([^/]+/[^/]+)/resolve/([^/]+)/(.+)");

  private void hub(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      Fault fault = takeFault(path, false);
      if (fault != null) {
        ex.getResponseHeaders().add("Retry-After", "0");
        send(ex, fault.status(), "{\"error\":\"injected\"}");
        return;
      }
      Matcher api = API.matcher(path);
      Matcher resolve = RESOLVE.matcher(path);
      String repoId = api.matches() ? api.group(1) : resolve.matches() ? resolve.group(1) : null;
      Repo repo = repoId == null ? null : repos.get(repoId);
      if (repo == null) {
        send(ex, 404, "{\"error\":\"Repository not found\"}");
        return;
      }
      if (repo.gated() && !("Bearer " + TOKEN).equals(
          ex.getRequestHeaders().getFirst("Authorization"))) {
        send(ex, 401, "{\"error\":\"Access to this dataset is restricted\"}");
        return;
      }
      String revision = decode(api.matches() ? api.group(3) : resolve.group(2));
      if (!revision.equals("main") && !revision.equals(repo.commit())) {
        send(ex, 404, "{\"error\":\"Revision not found\"}");
        return;
      }
      if (api.matches() && api.group(2).equals("revision")) {
        send(ex, 200, Json.write(Map.of("id", repoId, "sha", repo.commit())));
      } else if (api.matches()) {
        tree(ex, repo, api.group(4) == null ? "" : decode(api.group(4).substring(1)));
      } else {
        Path file = repo.root().resolve(decode(resolve.group(3)));
        if (!Files.isRegularFile(file)) {
          send(ex, 404, "{\"error\":\"Entry not found\"}");
          return;
        }
        ex.getResponseHeaders().add("Location", "http://127.0.0.1:"
            + storage.getAddress().getPort() + "/files/" + repoId + "/" + resolve.group(3)
            + "?signature=" + signature);
        resolves.incrementAndGet();
        ex.sendResponseHeaders(302, -1);
      }
    }
  }

  private void tree(HttpExchange ex, Repo repo, String under) throws IOException {
    Path base = under.isEmpty() ? repo.root() : repo.root().resolve(under);
    if (!Files.isDirectory(base)) {
      send(ex, 404, "{\"error\":\"not found\"}");
      return;
    }
    boolean recursive = String.valueOf(ex.getRequestURI().getQuery()).contains("recursive=true");
    List<Path> all;
    try (Stream<Path> s = recursive ? Files.walk(base) : Files.list(base)) {
      all = s.filter(p -> !p.equals(base)).sorted().toList();
    }
    int from = 0;
    Matcher cursor = Pattern.compile("cursor=(\\d+)").matcher(
        String.valueOf(ex.getRequestURI().getQuery()));
    if (cursor.find()) {
      from = Integer.parseInt(cursor.group(1));
    }
    int to = Math.min(all.size(), from + pageSize);
    List<Object> page = new ArrayList<>();
    for (Path p : all.subList(from, to)) {
      Map<String, Object> e = new LinkedHashMap<>();
      boolean dir = Files.isDirectory(p);
      e.put("type", dir ? "directory" : "file");
      String[] ids = dir ? new String[] {hex("SHA-1", new byte[0], new byte[0]), null}
          : ids(p);
      long size = dir ? 0 : Files.size(p);
      // As the Hub: the git blob id; text files in git, the rest in LFS with their sha256.
      e.put("oid", ids[0]);
      e.put("size", size);
      e.put("path", repo.root().relativize(p).toString());
      if (!dir && !p.getFileName().toString().endsWith(".md")) {
        e.put("lfs", Map.of("oid", ids[1], "size", size, "pointerSize", 134));
      }
      page.add(e);
    }
    if (to < all.size()) {
      ex.getResponseHeaders().add("Link", "<" + endpoint() + ex.getRequestURI().getPath()
          + "?" + (recursive ? "recursive=true&" : "") + "cursor=" + to + ">; rel=\"next\"");
    }
    send(ex, 200, Json.write(page));
  }

  private void storage(HttpExchange ex) throws IOException {
    try (ex) {
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      if (auth != null) {
        storageAuthorizations.add(auth);
      }
      String path = ex.getRequestURI().getPath();
      if (!("signature=" + signature).equals(ex.getRequestURI().getQuery())) {
        send(ex, 403, "<Error><Code>AccessDenied</Code><Message>Request has expired</Message>"
            + "</Error>");
        return;
      }
      Matcher m = Pattern.compile("/files/([^/]+/[^/]+)/(.+)").matcher(path);
      Repo repo = m.matches() ? repos.get(m.group(1)) : null;
      if (repo == null) {
        send(ex, 404, "no such object");
        return;
      }
      Path file = repo.root().resolve(decode(m.group(2)));
      long length = Files.size(file);
      fileRequests.incrementAndGet();
      String range = ex.getRequestHeaders().getFirst("Range");
      ranges.add(String.valueOf(range));
      long start = 0;
      long end = length;
      int status = 200;
      if (range != null) {
        Matcher r = Pattern.compile("bytes=(\\d+)-(\\d*)").matcher(range);
        if (!r.matches()) {
          send(ex, 416, "bad range");
          return;
        }
        start = Long.parseLong(r.group(1));
        end = r.group(2).isEmpty() ? length
            : Math.min(length, Long.parseLong(r.group(2)) + 1);
        if (start >= length) {
          send(ex, 416, "range past the end");
          return;
        }
        status = 206;
        if (takeFault(path, false) != null) {
          // A proxy that answers a range with the file's start: the bytes are not the ones asked.
          end = Math.min(length, end - start);
          start = 0;
        }
        ex.getResponseHeaders().add("Content-Range", "bytes " + start + "-" + (end - 1) + "/"
            + length);
      }
      Fault cut = takeFault(path, true);
      ex.sendResponseHeaders(status, end - start);
      OutputStream out = ex.getResponseBody();
      long stopAt = cut == null ? end : Math.min(end, start + cut.cutAfter());
      // Only the bytes asked for are read: a range of a large file costs its length.
      try (java.nio.channels.FileChannel in = java.nio.channels.FileChannel.open(file)) {
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(1 << 16);
        for (long at = start; at < stopAt; ) {
          buf.clear().limit((int) Math.min(buf.capacity(), stopAt - at));
          int n = in.read(buf, at);
          if (n < 0) {
            break;
          }
          out.write(buf.array(), 0, n);
          at += n;
        }
      }
      out.flush();
      bytesServed.addAndGet(stopAt - start);
      if (cut != null) {
        // Closing the connection mid-body: the client sees the body end early.
        throw new IOException("cut short on purpose");
      }
    }
  }

  /** A file's git blob id and sha256, computed once per file, size and time. */
  private String[] ids(Path p) throws IOException {
    String key = p + " " + Files.size(p) + " " + Files.getLastModifiedTime(p);
    String[] known = fileIds.get(key);
    if (known == null) {
      byte[] content = Files.readAllBytes(p);
      known = new String[] {hex("SHA-1", ("blob " + content.length + "\0").getBytes(
          StandardCharsets.US_ASCII), content), hex("SHA-256", new byte[0], content)};
      fileIds.put(key, known);
    }
    return known;
  }

  static String hex(String algorithm, byte[] prefix, byte[] content) {
    try {
      java.security.MessageDigest d = java.security.MessageDigest.getInstance(algorithm);
      d.update(prefix);
      return java.util.HexFormat.of().formatHex(d.digest(content));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  private static void send(HttpExchange ex, int status, String body) {
    try {
      byte[] b = body.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(status, b.length);
      ex.getResponseBody().write(b);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    hub.stop(0);
    storage.stop(0);
    hubThreads.shutdownNow();
    storageThreads.shutdownNow();
  }
}
