package dev.refinery.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.refinery.RefineryException;
import dev.refinery.demo.SampleData;
import dev.refinery.generate.RetryPolicy;
import dev.refinery.io.FileKind;
import dev.refinery.io.InputFile;
import dev.refinery.io.Inputs;
import dev.refinery.stats.DatasetStats;
import dev.refinery.stats.StatsCollector;
import dev.refinery.format.Formats;
import dev.refinery.dataset.RejectHandler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
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

/**
 * hf:// paths against a Hub on loopback ({@link TestHub}): listings, redirects, ranges, retries,
 * tokens, and reading a generated dataset in the v1 layout as a local one is read.
 */
class HubPathsTest {
  private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
  @TempDir
  static Path dir;
  static Path parquet;
  static Path jsonl;
  static TestHub hub;

  @BeforeAll
  static void serve() throws IOException {
    parquet = dir.resolve("parquet");
    jsonl = dir.resolve("jsonl");
    SampleData.write(parquet, SampleData.Spec.of(3000, 7).withShardRows(400));
    SampleData.write(jsonl, SampleData.Spec.of(900, 7).withShardRows(600)
        .withFileKind(FileKind.JSONL));
    // Random bytes larger than a read block, beside the data.
    byte[] blob = new byte[700_000];
    new java.util.Random(3).nextBytes(blob);
    Files.createDirectories(parquet.resolve("extra"));
    Files.write(parquet.resolve("extra/blob.bin"), blob);
    Files.writeString(parquet.resolve("README.md"), "---\nlicense: cc-by-4.0\n---\n# test\n");
    hub = new TestHub()
        .repo("test-org/nemotron-mini", parquet, COMMIT, false)
        .repo("test-org/nemotron-jsonl", jsonl, COMMIT, false)
        .repo("test-org/gated", parquet, COMMIT, true);
  }

  @AfterAll
  static void stop() {
    hub.close();
  }

  @AfterEach
  void forget() {
    HubPaths.forget();
  }

  private static HubClient client(String token) {
    return new HubClient(hub.endpoint(), token, new RetryPolicy(5, Duration.ofMillis(1),
        Duration.ofMillis(5), Duration.ofMillis(5)), d -> { }, Duration.ofSeconds(20));
  }

  private static List<Path> localFiles(Path root) throws IOException {
    try (Stream<Path> s = Files.list(root.resolve("data"))) {
      return s.sorted().toList();
    }
  }

  @Test
  void aRepositoryReadsAsTheLocalFolderByteForByteThroughPagesAndARedirect() throws IOException {
    hub.pageSize = 2;
    HubClient client = client(null);
    Path root = HubPaths.of("hf://datasets/test-org/nemotron-mini", client);
    assertThat(root.toString()).isEqualTo("hf://datasets/test-org/nemotron-mini@" + COMMIT);
    List<Path> local = localFiles(parquet);
    List<Path> remote;
    try (Stream<Path> s = Files.list(root.resolve("data"))) {
      remote = s.sorted().toList();
    }
    assertThat(remote).hasSameSizeAs(local).hasSizeGreaterThan(2);
    for (int i = 0; i < local.size(); i++) {
      assertThat(remote.get(i).getFileName().toString())
          .isEqualTo(local.get(i).getFileName().toString());
      assertThat(Files.size(remote.get(i))).isEqualTo(Files.size(local.get(i)));
      assertThat(Files.readAllBytes(remote.get(i))).isEqualTo(Files.readAllBytes(local.get(i)));
    }
    assertThat(hub.storageAuthorizations()).isEmpty();
  }

  @Test
  void randomReadsThroughTheChannelMatchTheFileAndAFooterIsOneRequest() throws IOException {
    Path local = parquet.resolve("extra/blob.bin");
    Path remote = HubPaths.of("hf://datasets/test-org/nemotron-mini/extra/blob.bin",
        client(null));
    byte[] all = Files.readAllBytes(local);
    hub.resetCounts();
    try (SeekableByteChannel c = Files.newByteChannel(remote)) {
      assertThat(c.size()).isEqualTo(all.length);
      // The footer's length, then the footer: as a Parquet reader opens a file.
      ByteBuffer tail = ByteBuffer.allocate(8);
      c.position(all.length - 8).read(tail);
      assertThat(tail.array()).isEqualTo(java.util.Arrays.copyOfRange(all, all.length - 8,
          all.length));
      ByteBuffer footer = ByteBuffer.allocate(2000);
      c.position(all.length - 2008);
      while (footer.hasRemaining()) {
        c.read(footer);
      }
      assertThat(footer.array()).isEqualTo(java.util.Arrays.copyOfRange(all, all.length - 2008,
          all.length - 8));
      assertThat(hub.fileRequests()).as("the footer came in the first block").isEqualTo(1);
      // A large read is one request for exactly its bytes.
      ByteBuffer big = ByteBuffer.allocateDirect(300_000);
      c.position(1000);
      assertThat(c.read(big)).isEqualTo(300_000);
      byte[] got = new byte[300_000];
      big.flip().get(got);
      assertThat(got).isEqualTo(java.util.Arrays.copyOfRange(all, 1000, 301_000));
      assertThat(hub.ranges().get(hub.ranges().size() - 1)).isEqualTo("bytes=1000-300999");
    }
  }

  @Test
  void aFilesRangesGoStraightToStorageAfterOneRedirectUntilTheSignatureExpires()
      throws IOException {
    Path local = parquet.resolve("extra/blob.bin");
    Path remote = HubPaths.of("hf://datasets/test-org/nemotron-mini/extra/blob.bin",
        client(null));
    byte[] all = Files.readAllBytes(local);
    hub.resetCounts();
    try (SeekableByteChannel c = Files.newByteChannel(remote)) {
      for (int at : new int[] {10_000, 200_000, 400_000}) {
        ByteBuffer b = ByteBuffer.allocate(50_000);
        c.position(at).read(b);
        assertThat(b.array()).isEqualTo(java.util.Arrays.copyOfRange(all, at, at + 50_000));
        if (at == 200_000) {
          hub.expireSignatures();
        }
      }
    }
    assertThat(hub.fileRequests()).as("3 ranges served (the refused one is not counted)").isEqualTo(3);
    assertThat(hub.resolves()).as("once, then again after the signature expired").isEqualTo(2);
  }

  @Test
  void injected429And500AndADroppedBodyAreRetriedAndTheBytesStillMatch() throws IOException {
    Path local = localFiles(parquet).get(1);
    HubClient client = client(null);
    hub.failNext("/revision/", 429, 1).failNext("/tree/", 500, 2)
        .failNext("/resolve/", 503, 1).cutNext("/files/", 10_000);
    Path remote = HubPaths.of("hf://datasets/test-org/nemotron-mini/data/"
        + local.getFileName(), client);
    assertThat(Files.readAllBytes(remote)).isEqualTo(Files.readAllBytes(local));
    assertThat(client.retries()).as("429, 2 x 500, 503 and the drop").isEqualTo(5);
  }

  @Test
  void aRangeAnsweredFromTheWrongStartIsAskedAgain() throws IOException {
    Path local = parquet.resolve("extra/blob.bin");
    HubClient client = client(null);
    Path remote = HubPaths.of("hf://datasets/test-org/nemotron-mini/extra/blob.bin", client);
    byte[] all = Files.readAllBytes(local);
    hub.misrangeNext("/files/test-org/nemotron-mini/extra/blob.bin");
    try (SeekableByteChannel c = Files.newByteChannel(remote)) {
      ByteBuffer b = ByteBuffer.allocate(20_000);
      c.position(300_000).read(b);
      assertThat(b.array()).isEqualTo(java.util.Arrays.copyOfRange(all, 300_000, 320_000));
    }
    assertThat(client.retries()).isEqualTo(1);
  }

  @Test
  void oneClientServesEachEndpointAndTokenInAProcess() {
    java.util.Map<String, String> settings = new java.util.HashMap<>(java.util.Map.of(
        HubClient.ENDPOINT_VARIABLE, hub.endpoint().toString(), HubClient.TOKEN_VARIABLE, "a"));
    HubClient first = HubClient.configured(settings::get);
    assertThat(HubClient.configured(settings::get)).isSameAs(first);
    settings.put(HubClient.TOKEN_VARIABLE, "b");
    assertThat(HubClient.configured(settings::get)).isNotSameAs(first);
  }

  @Test
  void aGatedRepositoryNeedsTheTokenWhichNeverReachesStorageNorAnyMessage() throws IOException {
    assertThatThrownBy(() -> HubPaths.of("hf://datasets/test-org/gated", client(null)))
        .isInstanceOf(RefineryException.class)
        .hasMessageContaining("hf://datasets/test-org/gated@main")
        .hasMessageContaining("401").hasMessageContaining("HF_TOKEN");
    Path root = HubPaths.of("hf://datasets/test-org/gated", client(TestHub.TOKEN));
    Path local = localFiles(parquet).get(0);
    assertThat(Files.readAllBytes(root.resolve("data/" + local.getFileName())))
        .isEqualTo(Files.readAllBytes(local));
    assertThat(hub.storageAuthorizations()).isEmpty();
    HubPaths.forget();
    RefineryException wrong = org.assertj.core.api.Assertions.catchThrowableOfType(
        () -> HubPaths.of("hf://datasets/test-org/gated", client("hf_wrong")),
        RefineryException.class);
    assertThat(wrong.getMessage()).contains("no access").doesNotContain("hf_wrong")
        .doesNotContain(TestHub.TOKEN);
  }

  @Test
  void missingRepositoriesRevisionsAndFilesAreOneLineErrors() {
    assertThatThrownBy(() -> HubPaths.of("hf://datasets/test-org/nope", client(null)))
        .hasMessageContaining("hf://datasets/test-org/nope@main").hasMessageContaining("404");
    assertThatThrownBy(() -> HubPaths.of("hf://datasets/test-org/nemotron-mini@v9", client(null)))
        .hasMessageContaining("@v9").hasMessageContaining("404");
    Path missing = HubPaths.of("hf://datasets/test-org/nemotron-mini/data/none.parquet",
        client(null));
    assertThat(Files.exists(missing)).isFalse();
    assertThatThrownBy(() -> HubUri.parse("hf://models/x/y"))
        .hasMessageContaining("dataset repositories");
    assertThatThrownBy(() -> HubUri.parse("hf://datasets/x"))
        .hasMessageContaining("names no repository");
  }

  @Test
  void aPinnedCommitAndAnEncodedRevisionParse() {
    HubUri u = HubUri.parse("hf://datasets/nvidia/Nemotron-Post-Training-Dataset-v1"
        + "@refs%2Fconvert%2Fparquet/data/math-*.parquet");
    assertThat(u.repoId()).isEqualTo("nvidia/Nemotron-Post-Training-Dataset-v1");
    assertThat(u.revision()).isEqualTo("refs/convert/parquet");
    assertThat(u.path()).isEqualTo("data/math-*.parquet");
    assertThat(u.toString()).isEqualTo("hf://datasets/nvidia/Nemotron-Post-Training-Dataset-v1"
        + "@refs%2Fconvert%2Fparquet/data/math-*.parquet");
  }

  @Test
  void inputsResolveSplitsAndGlobsOnTheHubAsOnDisk() {
    String endpoint = hub.endpoint().toString();
    System.setProperty(HubClient.ENDPOINT_VARIABLE, endpoint);
    try {
      List<String> local = names(Inputs.resolve(parquet.toString(), List.of("math")));
      List<String> remote = names(Inputs.resolve("hf://datasets/test-org/nemotron-mini",
          List.of("math")));
      assertThat(remote).isEqualTo(local).isNotEmpty();
      List<String> globbed = names(Inputs.resolve(
          "hf://datasets/test-org/nemotron-mini/data/math-*.parquet"));
      assertThat(globbed).isEqualTo(local);
      List<InputFile> files = Inputs.resolve("hf://datasets/test-org/nemotron-mini");
      assertThat(files.get(0).path().toString()).startsWith(
          "hf://datasets/test-org/nemotron-mini@" + COMMIT + "/data/");
    } finally {
      System.clearProperty(HubClient.ENDPOINT_VARIABLE);
    }
  }

  @Test
  void aCardsConfigsSayWhichFilesBelongToWhichSplit() throws IOException {
    Path carded = dir.resolve("carded");
    Files.createDirectories(carded.resolve("raw"));
    List<Path> local = localFiles(parquet);
    Path first = local.get(0);
    Path second = local.get(1);
    Files.copy(first, carded.resolve("raw/part-a.parquet"));
    Files.copy(second, carded.resolve("raw/part-b.parquet"));
    Files.copy(second, carded.resolve("raw/ignored.parquet"));
    Files.writeString(carded.resolve("README.md"), """
        ---
        license: cc-by-4.0
        configs:
        - config_name: extra
          data_files: raw/ignored.parquet
        - config_name: default
          data_files:
          - split: math
            path: raw/part-a*
          - split: tool
            path:
            - raw/part-b.parquet
        ---
        # A card
        """);
    hub.repo("test-org/carded", carded, COMMIT, false);
    System.setProperty(HubClient.ENDPOINT_VARIABLE, hub.endpoint().toString());
    try {
      assertThat(names(Inputs.resolve("hf://datasets/test-org/carded")))
          .containsExactly("part-a.parquet math", "part-b.parquet tool_calling");
      assertThat(names(Inputs.resolve("hf://datasets/test-org/carded", List.of("tool"))))
          .containsExactly("part-b.parquet tool_calling");
      assertThatThrownBy(() -> Inputs.resolve("hf://datasets/test-org/carded",
          List.of("chat"))).hasMessageContaining("splits present: math, tool_calling");
    } finally {
      System.clearProperty(HubClient.ENDPOINT_VARIABLE);
    }
    assertThat(DatasetCard.patterns("no front matter")).isNull();
    assertThat(DatasetCard.patterns("---\nconfigs:\n- config_name: default\n"
        + "  data_files: '*.jsonl'\n---\n")).containsExactly(
            java.util.Map.entry("train", List.of("*.jsonl")));
  }

  private static List<String> names(List<InputFile> files) {
    return files.stream().map(f -> f.path().getFileName().toString() + " " + f.split()).toList();
  }

  @Test
  void statsOverTheHubEqualStatsOverTheLocalFolder() {
    System.setProperty(HubClient.ENDPOINT_VARIABLE, hub.endpoint().toString());
    try {
      for (String[] pair : new String[][] {
          {parquet.toString(), "hf://datasets/test-org/nemotron-mini"},
          {jsonl.toString(), "hf://datasets/test-org/nemotron-jsonl"}}) {
        DatasetStats local = stats(Inputs.resolve(pair[0]));
        DatasetStats remote = stats(Inputs.resolve(pair[1]));
        assertThat(remote.toJson()).isEqualTo(local.toJson());
      }
    } finally {
      System.clearProperty(HubClient.ENDPOINT_VARIABLE);
    }
  }

  private static DatasetStats stats(List<InputFile> files) {
    return StatsCollector.collect(files, Formats.detect(files.get(0)), RejectHandler.IGNORE);
  }

  @Test
  void readingOneColumnFetchesThatColumnsChunksTheFooterAndTheMagicOnly() throws IOException {
    Path bigger = dir.resolve("one-column");
    SampleData.write(bigger, SampleData.Spec.of(6000, 5));
    hub.repo("test-org/one-column", bigger, COMMIT, false);
    Path local = localFiles(bigger).stream()
        .max(java.util.Comparator.comparingLong(p -> p.toFile().length())).orElseThrow();
    Path remote = HubPaths.of("hf://datasets/test-org/one-column/data/" + local.getFileName(),
        client(null));
    hub.resetCounts();
    long columnBytes = 0;
    try (org.apache.parquet.hadoop.ParquetFileReader r = dev.refinery.io.ParquetFiles.open(remote)) {
      org.apache.parquet.schema.MessageType schema = r.getFooter().getFileMetaData().getSchema();
      org.apache.parquet.schema.MessageType uuidOnly = new org.apache.parquet.schema.MessageType(
          schema.getName(), schema.getType("uuid"));
      r.setRequestedSchema(uuidOnly);
      for (var block : r.getRowGroups()) {
        for (var chunk : block.getColumns()) {
          if (chunk.getPath().toDotString().equals("uuid")) {
            columnBytes += chunk.getTotalSize();
          }
        }
      }
      long rows = 0;
      for (var pages = r.readNextRowGroup(); pages != null; pages = r.readNextRowGroup()) {
        rows += pages.getRowCount();
      }
      assertThat(rows).isEqualTo(r.getRecordCount()).isPositive();
    }
    long size = Files.size(local);
    assertThat(columnBytes).isPositive();
    assertThat(hub.bytesServed()).as("uuid chunks %d + footer block, of %d: %s", columnBytes, size, hub.ranges())
        .isLessThanOrEqualTo(columnBytes + HubByteChannel.BLOCK + HubByteChannel.SMALL_BLOCK)
        .isLessThan(size / 2);
  }

  @Test
  void aStreamReadsTheWholeFileInOneRequestAndSkipsWithoutReading() throws IOException {
    Path local = localFiles(jsonl).get(0);
    Path remote = HubPaths.of("hf://datasets/test-org/nemotron-jsonl/data/"
        + local.getFileName(), client(null));
    byte[] all = Files.readAllBytes(local);
    hub.resetCounts();
    try (InputStream in = Files.newInputStream(remote)) {
      assertThat(in.readNBytes(100)).isEqualTo(java.util.Arrays.copyOf(all, 100));
      assertThat(in.skip(1000)).isEqualTo(1000);
      assertThat(in.readNBytes(10)).isEqualTo(java.util.Arrays.copyOfRange(all, 1100, 1110));
      assertThat(in.skip(80_000)).isEqualTo(80_000);
      assertThat(in.readAllBytes()).isEqualTo(java.util.Arrays.copyOfRange(all, 81_110,
          all.length));
    }
    assertThat(all.length).isGreaterThan(81_110);
    assertThat(hub.ranges()).as("a short skip reads through, a long one asks again")
        .containsExactly("bytes=0-" + (all.length - 1), "bytes=81110-" + (all.length - 1));
  }
}
