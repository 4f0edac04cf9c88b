package dev.refinery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.demo.SampleData;
import dev.refinery.hub.HubClient;
import dev.refinery.hub.HubPaths;
import dev.refinery.hub.TestHub;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Commands over hf:// paths, against a Hub on loopback: as over the same files on disk. */
class HubCliTest {
  private static final String COMMIT = "feedfacefeedfacefeedfacefeedfacefeedface";
  @TempDir
  static Path dir;
  static Path local;
  static TestHub hub;

  @BeforeAll
  static void serve() throws IOException {
    local = dir.resolve("mini");
    SampleData.write(local, SampleData.Spec.of(12000, 11));
    hub = new TestHub().repo("org/mini", local, COMMIT, false)
        .repo("org/gated", local, COMMIT, true);
  }

  @AfterAll
  static void stop() {
    hub.close();
  }

  @BeforeEach
  void endpoint() {
    System.setProperty(HubClient.ENDPOINT_VARIABLE, hub.endpoint().toString());
  }

  @AfterEach
  void forget() {
    System.clearProperty(HubClient.ENDPOINT_VARIABLE);
    HubPaths.forget();
  }

  @Test
  void statsOfASplitOnTheHubEqualStatsOfTheLocalFolderAndFetchOnlyThatSplitOnce()
      throws IOException {
    Cli disk = Cli.run("stats", local.toString(), "--split", "math", "--json");
    hub.resetCounts();
    Cli remote = Cli.run("stats", "hf://datasets/org/mini", "--split", "math", "--json");
    assertThat(remote.status()).as(remote.err()).isZero();
    assertThat(remote.out()).isEqualTo(disk.out());
    long mathBytes = 0;
    int mathFiles = 0;
    try (Stream<Path> s = Files.list(local.resolve("data"))) {
      for (Path p : s.filter(p -> p.getFileName().toString().startsWith("math-")).toList()) {
        mathBytes += Files.size(p);
        mathFiles++;
      }
    }
    // stats reads every column of a Nemotron file (uuid and metadata to check them), so the
    // math files once each, plus the magic number's and the footer's blocks, which overlap it,
    // and the card (README.md), for its configs.
    long card = Files.size(local.resolve("README.md"));
    assertThat(hub.bytesServed()).as("only math files, each byte once: %s", hub.ranges())
        .isGreaterThanOrEqualTo(mathBytes + card)
        .isLessThanOrEqualTo(mathBytes + card + mathFiles * (64 + 4) * 1024L);
  }

  @Test
  void aPipelineReadingTheHubWritesTheBytesALocalOneDoesAndPinsTheCommit() throws IOException {
    String steps = """
        steps:
          - filter: {name: structure}
          - exact_dedup: {key: prompt}
        output: {path: %s, format: parquet, shards: 2}
        seed: 3
        """;
    Path yamlLocal = dir.resolve("local.yaml");
    Path yamlHub = dir.resolve("hub.yaml");
    Files.writeString(yamlLocal, "input: {path: " + local + "}\n"
        + steps.formatted(dir.resolve("out-local")));
    Files.writeString(yamlHub, "input: {path: hf://datasets/org/mini}\n"
        + steps.formatted(dir.resolve("out-hub")));
    Cli a = Cli.run("run", yamlLocal.toString(), "--workers", "2");
    hub.resetCounts();
    Cli b = Cli.run("run", yamlHub.toString(), "--workers", "2");
    assertThat(a.status()).as(a.err()).isZero();
    assertThat(b.status()).as(b.err()).isZero();
    for (String shard : List.of("train-00000-of-00002.parquet", "train-00001-of-00002.parquet")) {
      assertThat(Files.readAllBytes(dir.resolve("out-hub/data/" + shard)))
          .isEqualTo(Files.readAllBytes(dir.resolve("out-local/data/" + shard)));
    }
    assertThat(Files.readString(dir.resolve("out-hub/manifest.json")))
        .contains("hf://datasets/org/mini@" + COMMIT + "/data/");
    // The manifest's SHA-256 of each input is the one the Hub lists (the same as on disk), not
    // a second download.
    long inputBytes = 0;
    try (Stream<Path> s = Files.list(local.resolve("data"))) {
      for (Path p : s.toList()) {
        inputBytes += Files.size(p);
        String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest
            .getInstance("SHA-256").digest(Files.readAllBytes(p)));
        assertThat(Files.readString(dir.resolve("out-hub/manifest.json"))).contains(sha);
      }
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    assertThat(hub.bytesServed()).as("each input read about once")
        .isLessThan(inputBytes + inputBytes / 4);
  }

  @Test
  void jsonLinesOnTheHubSplitByByteRangesGiveTheLocalRunsBytes() throws IOException {
    Path jsonl = dir.resolve("jsonl");
    SampleData.write(jsonl, SampleData.Spec.of(3000, 4).withShardRows(3000)
        .withFileKind(dev.refinery.io.FileKind.JSONL));
    hub.repo("org/jsonl", jsonl, COMMIT, false);
    String steps = """
          partition_size: 100000
        steps:
          - filter: {name: structure}
        output: {path: %s, format: jsonl}
        """;
    Files.writeString(dir.resolve("jl-local.yaml"), "input:\n  path: " + jsonl + "\n"
        + steps.formatted(dir.resolve("jl-local")));
    Files.writeString(dir.resolve("jl-hub.yaml"), "input:\n  path: hf://datasets/org/jsonl\n"
        + steps.formatted(dir.resolve("jl-hub")));
    Cli a = Cli.run("run", dir.resolve("jl-local.yaml").toString(), "--workers", "2");
    hub.resetCounts();
    Cli b = Cli.run("run", dir.resolve("jl-hub.yaml").toString(), "--workers", "2");
    assertThat(a.status()).as(a.err()).isZero();
    assertThat(b.status()).as(b.err()).isZero();
    assertThat(Files.readString(dir.resolve("jl-hub/run.log"))).contains("partitions");
    assertThat(Files.readAllBytes(dir.resolve("jl-hub/data/train-00000-of-00001.jsonl")))
        .isEqualTo(Files.readAllBytes(dir.resolve("jl-local/data/train-00000-of-00001.jsonl")));
    assertThat(hub.ranges()).as("byte ranges that start mid-file")
        .anyMatch(r -> !r.startsWith("bytes=0-"));
  }

  @Test
  void commandsThatRunCannedPipelinesTakeHubInputsToo() throws IOException {
    for (String where : List.of(local.toString(), "hf://datasets/org/mini")) {
      String tag = where.startsWith("hf") ? "hub" : "disk";
      Cli shard = Cli.run("shard", where, dir.resolve("shard-" + tag).toString(),
          "--world-size", "3");
      assertThat(shard.status()).as(shard.err()).isZero();
      Cli blend = Cli.run("blend", "--source", "m=" + where + ":math", "--source",
          "c=" + where + ":code", "--weights", "m=0.6,c=0.4", "--total-samples", "900",
          "--seed", "4", dir.resolve("blend-" + tag).toString());
      assertThat(blend.status()).as(blend.err()).isZero();
    }
    for (String f : List.of("shard-%s/rank-00000-of-00003.parquet",
        "shard-%s/rank-00002-of-00003.parquet", "blend-%s/data/train-00000-of-00001.parquet")) {
      assertThat(Files.readAllBytes(dir.resolve(f.formatted("hub"))))
          .as(f).isEqualTo(Files.readAllBytes(dir.resolve(f.formatted("disk"))));
    }
  }

  @Test
  void downloadToAFolderOrTheCacheThenStatsOffline() throws IOException {
    Path to = dir.resolve("downloaded");
    Cli first = Cli.run("download", "hf://datasets/org/mini", "--split", "math", "--to",
        to.toString());
    assertThat(first.status()).as(first.err()).isZero();
    List<Path> math;
    try (Stream<Path> s = Files.list(local.resolve("data"))) {
      math = s.filter(p -> p.getFileName().toString().startsWith("math-")).sorted().toList();
    }
    assertThat(first.out()).startsWith(math.size() + " files");
    for (Path f : math) {
      assertThat(Files.readAllBytes(to.resolve("data").resolve(f.getFileName().toString())))
          .isEqualTo(Files.readAllBytes(f));
    }
    Cli again = Cli.run("download", "hf://datasets/org/mini", "--split", "math", "--to",
        to.toString());
    assertThat(again.out()).contains("0.0 MB fetched now").contains(math.size()
        + " already there");

    Path cache = dir.resolve("cache");
    System.setProperty("HF_HUB_CACHE", cache.toString());
    try {
      Cli cached = Cli.run("download", "hf://datasets/org/mini", "--split", "math");
      assertThat(cached.status()).as(cached.err()).isZero();
      assertThat(cache.resolve("datasets--org--mini/refs/main")).hasContent(COMMIT);
      HubPaths.forget();
      hub.resetCounts();
      Cli offline = Cli.run("stats", "hf://datasets/org/mini", "--split", "math", "--json",
          "--offline");
      assertThat(offline.status()).as(offline.err()).isZero();
      assertThat(offline.out()).isEqualTo(Cli.run("stats", local.toString(), "--split", "math",
          "--json").out());
      assertThat(hub.fileRequests()).isZero();
      Cli missing = Cli.run("stats", "hf://datasets/org/gated", "--offline");
      assertThat(missing.status()).isEqualTo(1);
      assertThat(missing.err()).contains("not in the Hugging Face cache");
    } finally {
      System.clearProperty("HF_HUB_CACHE");
    }
  }

  @Test
  void theTokenOpensAGatedRepositoryAndAppearsInNoOutputOrFile() throws Exception {
    Path out = dir.resolve("gated-out");
    Files.writeString(dir.resolve("gated.yaml"), "input: {path: hf://datasets/org/gated}\n"
        + "steps:\n  - filter: {name: structure}\noutput: {path: " + out + "}\n");
    Result denied = refinery(null, "stats", "hf://datasets/org/gated");
    assertThat(denied.status).as("a user error").isEqualTo(1);
    assertThat(denied.output.strip().lines().toList()).as(denied.output).hasSize(1);
    assertThat(denied.output).contains("401").contains("HF_TOKEN");
    Result stats = refinery(TestHub.TOKEN, "stats", "hf://datasets/org/gated",
        "--hf-token-env", "MY_HUB_TOKEN");
    assertThat(stats.status).as(stats.output).isZero();
    Result run = refinery(TestHub.TOKEN, "--verbose", "run", dir.resolve("gated.yaml").toString(),
        "--hf-token-env", "MY_HUB_TOKEN");
    assertThat(run.status).as(run.output).isZero();
    assertThat(stats.output + run.output).doesNotContain(TestHub.TOKEN);
    try (Stream<Path> files = Files.walk(out)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1))
            .as(f.toString()).doesNotContain(TestHub.TOKEN);
      }
    }
    assertThat(hub.storageAuthorizations()).isEmpty();
  }

  private record Result(int status, String output) {}

  /** The CLI in its own process, with HF_ENDPOINT and (when not null) MY_HUB_TOKEN set. */
  private static Result refinery(String token, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().remove("HF_TOKEN");
    pb.environment().put("HF_ENDPOINT", hub.endpoint().toString());
    if (token != null) {
      pb.environment().put("MY_HUB_TOKEN", token);
    }
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), output);
  }
}
