package dev.refinery.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.refinery.RefineryException;
import dev.refinery.demo.SampleData;
import dev.refinery.generate.RetryPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Downloads to a folder and into the cache, resumed downloads, and offline reads. */
class HubDownloadTest {
  private static final String COMMIT = "abcdefabcdefabcdefabcdefabcdefabcdef0000";
  @TempDir
  static Path dir;
  static Path local;
  static TestHub hub;

  @BeforeAll
  static void serve() throws IOException {
    local = dir.resolve("repo");
    SampleData.write(local, SampleData.Spec.of(3000, 2));
    Files.writeString(local.resolve("README.md"), "# a card\n");
    hub = new TestHub().repo("org/repo", local, COMMIT, false);
  }

  @AfterAll
  static void stop() {
    hub.close();
  }

  @AfterEach
  void forget() {
    HubPaths.forget();
  }

  private static HubClient client(int attempts) {
    return new HubClient(hub.endpoint(), null, new RetryPolicy(attempts, Duration.ofMillis(1),
        Duration.ofMillis(2), Duration.ofMillis(2)), d -> { }, Duration.ofSeconds(20));
  }

  private static List<Path> all(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    }
  }

  private static final HubDownload.Listener QUIET = new HubDownload.Listener() {
    @Override
    public void started(int files, long bytes) {}

    @Override
    public void advanced(long bytes) {}
  };

  @Test
  void aStoppedDownloadResumesFromItsLastByteAndAFinishedOneIsKept() throws IOException {
    Path root = HubPaths.of("hf://datasets/org/repo", client(2));
    List<Path> files = all(root);
    Path to = dir.resolve("to");
    Path biggest = files.stream().max((a, b) -> Long.compare(size(a), size(b))).orElseThrow();
    String name = biggest.getFileName().toString();
    // Both attempts at the biggest file are cut after 50,000 bytes: the run gives up.
    hub.cutNext(name, 50_000).cutNext(name, 50_000);
    assertThatThrownBy(() -> HubDownload.download(files, to, QUIET))
        .isInstanceOf(RefineryException.class).hasMessageContaining("run again to resume");
    HubPaths.forget();
    hub.resetCounts();
    List<Path> again = all(HubPaths.of("hf://datasets/org/repo", client(2)));
    HubDownload.Result r = HubDownload.download(again, to, QUIET);
    assertThat(r.resumed()).isEqualTo(1);
    long partial = hub.ranges().stream().filter(x -> !x.startsWith("bytes=0-"))
        .mapToLong(x -> Long.parseLong(x.substring(6, x.indexOf('-')))).findFirst().orElse(-1);
    assertThat(partial).as("the resumed request starts after the bytes kept: %s", hub.ranges())
        .isEqualTo(100_000);
    for (Path f : all(local)) {
      assertThat(Files.readAllBytes(to.resolve(local.relativize(f).toString())))
          .isEqualTo(Files.readAllBytes(f));
    }
    try (Stream<Path> s = Files.walk(to)) {
      assertThat(s.filter(p -> p.toString().endsWith(".incomplete"))).isEmpty();
    }
    HubDownload.Result third = HubDownload.download(again, to, QUIET);
    assertThat(third.kept()).isEqualTo(files.size());
    assertThat(third.fetched()).isZero();
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void intoTheCacheInHuggingFaceHubsLayoutThenReadOfflineWithoutARequest() throws IOException {
    HubCache cache = new HubCache(dir.resolve("hf-cache"));
    Path root = HubPaths.of("hf://datasets/org/repo", client(3), cache, false);
    HubDownload.download(all(root), null, QUIET);
    Path repo = cache.root().resolve("datasets--org--repo");
    assertThat(Files.readString(repo.resolve("refs/main"))).isEqualTo(COMMIT);
    Path someData = all(local.resolve("data")).get(0);
    Path snapshotFile = repo.resolve("snapshots/" + COMMIT + "/data/" + someData.getFileName());
    assertThat(Files.isSymbolicLink(snapshotFile)).isTrue();
    String sha256 = TestHub.hex("SHA-256", new byte[0], Files.readAllBytes(someData));
    assertThat(Files.readSymbolicLink(snapshotFile).toString())
        .isEqualTo("../../../blobs/" + sha256);
    assertThat(Files.readAllBytes(snapshotFile)).isEqualTo(Files.readAllBytes(someData));

    HubPaths.forget();
    hub.resetCounts();
    Path offline = HubPaths.of("hf://datasets/org/repo", null, cache, true);
    assertThat(offline.toString()).endsWith("@" + COMMIT);
    List<Path> files = all(offline.resolve("data"));
    assertThat(files).hasSameSizeAs(all(local.resolve("data")));
    for (Path f : files) {
      assertThat(Files.readAllBytes(f)).isEqualTo(Files.readAllBytes(
          local.resolve("data").resolve(f.getFileName().toString())));
    }
    assertThat(hub.fileRequests()).isZero();
    assertThatThrownBy(() -> HubPaths.of("hf://datasets/org/other", null, cache, true))
        .hasMessageContaining("not in the Hugging Face cache");
  }

  @Test
  void aFileAPythonToolCachedIsReadFromTheCacheOnline() throws IOException {
    // The layout huggingface_hub leaves: a blob, a snapshot link to it, a ref.
    HubCache cache = new HubCache(dir.resolve("python-cache"));
    Path someData = all(local.resolve("data")).get(1);
    Path repo = cache.root().resolve("datasets--org--repo");
    Path blob = repo.resolve("blobs/0badc0ffee");
    Files.createDirectories(blob.getParent());
    Files.copy(someData, blob);
    Path link = repo.resolve("snapshots/" + COMMIT + "/data/" + someData.getFileName());
    Files.createDirectories(link.getParent());
    Files.createSymbolicLink(link, link.getParent().relativize(blob));
    hub.resetCounts();
    Path remote = HubPaths.of("hf://datasets/org/repo/data/" + someData.getFileName(),
        client(3), cache, false);
    assertThat(Files.readAllBytes(remote)).isEqualTo(Files.readAllBytes(someData));
    try (var c = Files.newByteChannel(remote)) {
      assertThat(c.size()).isEqualTo(Files.size(someData));
    }
    assertThat(hub.fileRequests()).as("read from the cache").isZero();
  }
}
