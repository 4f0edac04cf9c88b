package dev.refinery.cli;

import static dev.refinery.generate.FakeChatServer.completion;
import static dev.refinery.generate.FakeChatServer.status;
import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.generate.FakeChatServer;
import dev.refinery.internal.FileTrees;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Output folders of every writing command: one writer at a time (checked with two real
 * processes), never an input, never mistaken for a dataset when unfinished, disk full as one line.
 */
class OutputFolderCliTest {
  @TempDir
  Path dir;

  private final FakeChatServer server = new FakeChatServer();
  private final List<Process> children = new ArrayList<>();


  @AfterEach
  void stop() throws Exception {
    for (Process p : children) {
      p.destroyForcibly().waitFor();
    }
    server.close();
  }

  private static final FakeChatServer.Reply ANSWER =
      status(200, completion("The answer is 4.", null));

  /** Nemotron rows with long enough text that a few thousand fill a small disk. */
  private Path rows(String name, int n) throws Exception {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < n; i++) {
      s.append("{\"uuid\": \"u").append(i).append("\", \"messages\": [{\"role\": \"user\", "
          + "\"content\": \"Question number ").append(i).append(": what is ").append(i)
          .append(" plus one, explained step by step?\"}, {\"role\": \"assistant\", "
              + "\"content\": \"Adding one to ").append(i).append(" gives ").append(i + 1)
          .append(", because counting up by one moves to the next whole number.\"}]}\n");
    }
    Path p = dir.resolve(name);
    Files.writeString(p, s);
    return p;
  }

  private Process java(Class<?> main, List<String> args) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), main.getName()));
    command.addAll(args);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    children.add(p);
    return p;
  }

  private List<String> generate(Path prompts, Path out, String... more) {
    List<String> args = new ArrayList<>(List.of("generate", "--prompts", prompts.toString(),
        "--endpoint", server.baseUrl().toString(), "--model", "m", "--mode-style", "qwen3",
        "--reasoning", "off", "--concurrency", "1", "--seed", "5", "--out", out.toString()));
    args.addAll(List.of(more));
    return args;
  }

  private static Cli cli(List<String> args) {
    return Cli.run(args.toArray(String[]::new));
  }

  @Test
  void aSecondWriterOfTheSameFolderStopsAtOnceNamingTheFirst() throws Exception {
    // Two generates 0.5 s apart wrote every row twice; a resume beside a live run lost rows.
    CountDownLatch asked = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    server.otherwise(exchange -> {
      asked.countDown();
      release.await(120, TimeUnit.SECONDS);
      ANSWER.answer(exchange);
    });
    Path prompts = rows("prompts.jsonl", 6);
    Path out = dir.resolve("gen");
    Process first = java(Main.class, generate(prompts, out));
    assertThat(asked.await(120, TimeUnit.SECONDS)).as("the first generate asked").isTrue();

    Cli second = cli(generate(prompts, out, "--resume"));
    assertThat(second.status()).isEqualTo(1);
    assertThat(second.err().lines()).hasSize(1);
    assertThat(second.err()).startsWith("error: " + out
        + ": another process is writing this output (pid " + first.pid()
        + ": refinery generate --prompts " + prompts);
    Cli split = Cli.run("split", prompts.toString(), out.toString(), "--fractions", "train=1");
    assertThat(split.status()).isEqualTo(1);
    assertThat(split.err()).contains("(pid " + first.pid() + ": refinery generate");

    release.countDown();
    String log = new String(first.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(first.waitFor()).as(log).isZero();
    List<String> lines = Files.readAllLines(out.resolve("rows.jsonl"));
    assertThat(new HashSet<>(lines)).hasSameSizeAs(lines);
    assertThat(lines).hasSize(6);
    try (Stream<Path> left = Files.list(out)) {
      assertThat(left.map(p -> p.getFileName().toString()))
          .doesNotContain(".refinery-incomplete");
    }
  }

  @Test
  void aKilledBlendLeavesAFolderNoReaderTakesForADataset() throws Exception {
    // A killed blend left train-00000... under final names and stats read them as a dataset.
    Path src = rows("src.jsonl", 20);
    Path mix = dir.resolve("mix");
    Process writer = java(HoldOutput.class, List.of(mix.toString(), src.toString()));
    BufferedReader said = new BufferedReader(new InputStreamReader(writer.getInputStream(),
        StandardCharsets.UTF_8));
    assertThat(said.readLine()).isEqualTo("ready");
    List<String> blend = List.of("blend", "--source", "a=" + src, "--weights", "a=1",
        "--total-samples", "10", "--seed", "1", "--output-format", "jsonl", mix.toString());

    Cli busy = cli(blend);
    assertThat(busy.status()).isEqualTo(1);
    assertThat(busy.err().strip()).isEqualTo("error: " + mix + ": another process is writing "
        + "this output (pid " + writer.pid() + ": refinery blend (half-way test writer)); wait "
        + "for it to finish, or choose another output");

    // A resumed run beside a live one both printed "conserved" and lost rows.
    Files.writeString(dir.resolve("p.yaml"), """
        input: {path: src.jsonl, format: nemotron}
        steps: []
        output: {path: mix, format: jsonl}
        """);
    Cli run = Cli.run("run", dir.resolve("p.yaml").toString(), "--resume");
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).contains("another process is writing this output (pid "
        + writer.pid() + ": refinery blend (half-way test writer))");
    Cli shard = Cli.run("shard", src.toString(), mix.toString(), "--world-size", "2");
    assertThat(shard.err()).contains("(pid " + writer.pid() + ": ");

    writer.destroyForcibly().waitFor(); // SIGKILL: nothing runs in the writer any more
    Cli stats = Cli.run("stats", mix.toString());
    assertThat(stats.status()).isEqualTo(1);
    assertThat(stats.err().strip()).startsWith("error: " + mix.toAbsolutePath()
        + ": is an unfinished output, not a dataset (written by: refinery blend (half-way "
        + "test writer); to do: remove the folder and run the command again)");
    Cli oneFile = Cli.run("stats", mix.resolve("data/train-00000-of-00002.jsonl").toString());
    assertThat(oneFile.status()).isEqualTo(1);
    assertThat(oneFile.err()).contains("is an unfinished output");

    // blend writes a run folder now: it refuses a folder that holds anything, and writes
    // nothing into it.
    Cli again = cli(blend);
    assertThat(again.status()).isEqualTo(1);
    assertThat(again.err().strip()).isEqualTo("error: " + mix.toAbsolutePath() + ": the run "
        + "folder is not empty; choose a new output path or remove it");
    assertThat(listAll(mix)).containsExactlyInAnyOrder(".refinery-incomplete",
        "data/train-00000-of-00002.jsonl");
  }

  @Test
  void aKilledGenerateIsRefusedByReadersUntilResumed() throws Exception {
    CountDownLatch asked = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    server.otherwise(exchange -> {
      asked.countDown();
      release.await(120, TimeUnit.SECONDS);
      ANSWER.answer(exchange);
    });
    Path prompts = rows("prompts.jsonl", 4);
    Path out = dir.resolve("gen");
    Process child = java(Main.class, generate(prompts, out));
    assertThat(asked.await(120, TimeUnit.SECONDS)).isTrue();
    child.destroyForcibly().waitFor();
    release.countDown();

    // rows.jsonl is written when the run finishes; the folder is a run folder until then.
    assertThat(out.resolve("rows.jsonl")).doesNotExist();
    Cli stats = Cli.run("stats", out.toString());
    assertThat(stats.status()).isEqualTo(1);
    assertThat(stats.err()).contains("is an unfinished output")
        .contains("command with --resume");

    Cli resumed = cli(generate(prompts, out, "--resume"));
    assertThat(resumed.status()).as(resumed.err()).isZero();
    Cli after = Cli.run("stats", out.resolve("rows.jsonl").toString());
    assertThat(after.status()).as(after.err()).isZero();
  }

  @Test
  void theOutputIsNeverAnInput() throws Exception {
    Path in = rows("in.jsonl", 30);
    Path outy = dir.resolve("outy");
    assertThat(Cli.run("split", in.toString(), outy.toString(), "--fractions",
        "train=0.5,test=0.5", "--output-format", "jsonl").status()).isZero();
    Path train = outy.resolve("train.jsonl");
    byte[] before = Files.readAllBytes(train);

    // This replaced its own input with a part of it.
    Cli self = Cli.run("split", train.toString(), outy.toString(), "--fractions",
        "train=0.5,test=0.5", "--output-format", "jsonl");
    assertThat(self.status()).isEqualTo(1);
    assertThat(self.err().strip()).isEqualTo("error: " + outy + ": holds the input " + train
        + "; choose another output");
    assertThat(Files.readAllBytes(train)).isEqualTo(before);

    Cli same = Cli.run("convert", in.toString(), in.toString(), "--to", "openai");
    assertThat(same.status()).isEqualTo(1);
    assertThat(same.err().strip()).isEqualTo("error: " + in + ": is also the input; choose "
        + "another output");
    byte[] input = Files.readAllBytes(in);
    Cli rejects = Cli.run("convert", in.toString(), dir.resolve("c.jsonl").toString(), "--to",
        "openai", "--rejects", in.toString());
    assertThat(rejects.status()).isEqualTo(1);
    assertThat(rejects.err()).contains(in + ": is also the input");
    assertThat(Files.readAllBytes(in)).isEqualTo(input);
    // tokenize took --rejects after the rule was written: the same rule holds for it.
    Cli tokenizeRejects = Cli.run("tokenize", in.toString(), dir.resolve("t.jsonl").toString(),
        "--tokenizer", "cl100k_base", "--template", "chatml", "--max-length", "100",
        "--rejects", in.toString());
    assertThat(tokenizeRejects.status()).isEqualTo(1);
    assertThat(tokenizeRejects.err().strip()).isEqualTo("error: " + in + ": is also the input; "
        + "choose another output");
    assertThat(Files.readAllBytes(in)).isEqualTo(input);
    Cli inside = Cli.run("shuffle", outy.toString(), outy.resolve("s.jsonl").toString(),
        "--seed", "1");
    assertThat(inside.status()).isEqualTo(1);
    assertThat(inside.err()).contains("is inside the input folder " + outy);
    assertThat(outy.resolve("s.jsonl")).doesNotExist();
  }

  @Test
  void shardAndSplitRefuseAFolderThatHoldsData() throws Exception {
    // shard left old -of-00004 files beside new -of-00002 ones: the folder read twice its rows.
    Path in = rows("in.jsonl", 8);
    Path shards = dir.resolve("shards");
    assertThat(Cli.run("shard", in.toString(), shards.toString(), "--world-size", "4")
        .status()).isZero();
    // shard is a canned pipeline now: the folder is its run folder, with the run's records.
    Cli again = Cli.run("shard", in.toString(), shards.toString(), "--world-size", "2");
    assertThat(again.status()).isEqualTo(1);
    assertThat(again.err()).contains(shards.toAbsolutePath() + ": a finished run is here "
        + "(stats.json); choose a new output path or remove the folder");
    assertThat(listAll(shards)).containsExactlyInAnyOrder(
          "rank-00000-of-00004.parquet", "rank-00001-of-00004.parquet",
          "rank-00002-of-00004.parquet", "rank-00003-of-00004.parquet", "stats.json",
          "manifest.json", "run.log");
    Cli split = Cli.run("split", in.toString(), shards.toString(), "--fractions", "train=1");
    assertThat(split.status()).isEqualTo(1);
    assertThat(split.err()).contains("a finished run is here");
    Path other = Files.createDirectories(dir.resolve("other"));
    Files.writeString(other.resolve("notes.txt"), "mine");
    Cli notEmpty = Cli.run("split", in.toString(), other.toString(), "--fractions", "train=1");
    assertThat(notEmpty.status()).isEqualTo(1);
    assertThat(notEmpty.err()).contains("is not empty; choose a new output path");
    assertThat(listAll(other)).containsExactly("notes.txt");
  }

  @Test
  void moreShardsThanRowsAreRefusedOrCapped() throws Exception {
    Path in = rows("in.jsonl", 5);
    // blend is a run now, and caps its files as a run does.
    Cli blend = Cli.run("blend", "--source", "a=" + in, "--weights", "a=1", "--total-samples",
        "5", "--seed", "1", "--shards", "100000", dir.resolve("mix").toString());
    assertThat(blend.status()).as(blend.err()).isZero();
    try (Stream<Path> s = Files.list(dir.resolve("mix/data"))) {
      assertThat(s.count()).isEqualTo(5);
    }
    assertThat(Files.readString(dir.resolve("mix/run.log")))
        .contains("--shards 100000 is more than the 5 rows written; wrote 5 files");

    // 100,000 shards of 2,000 rows created 52,942 files and did not finish.
    Files.writeString(dir.resolve("p.yaml"), """
        input: {path: in.jsonl, format: nemotron}
        steps: []
        output: {path: run, format: jsonl, shards: 100000}
        """);
    Cli run = Cli.run("run", dir.resolve("p.yaml").toString());
    assertThat(run.status()).as(run.err()).isZero();
    try (Stream<Path> s = Files.list(dir.resolve("run/data"))) {
      assertThat(s.map(p -> p.getFileName().toString()).sorted().toList()).containsExactly(
          "train-00000-of-00005.jsonl", "train-00001-of-00005.jsonl",
          "train-00002-of-00005.jsonl", "train-00003-of-00005.jsonl",
          "train-00004-of-00005.jsonl");
    }
    assertThat(Files.readString(dir.resolve("run/run.log")))
        .contains("output.shards 100000 is more than the 5 rows written; wrote 5 shards");
  }

  @Test
  void aFullDiskIsOneLineNamingTheFileAndLeavesNoTempFiles() throws Exception {
    Path small = Files.createDirectories(dir.resolve("small"));
    Assumptions.assumeTrue(mount(small, "64k"), "needs root to mount a small tmpfs");
    try {
      Path in = rows("in.jsonl", 2000);
      Path out = small.resolve("t.jsonl");
      // Today: "internal error: IOException: No space left on device", exit 3. tokenize runs on
      // the one runner: the file that did not fit is the first of its work beside the output,
      // which stays (without temp files) for --resume.
      Cli tokenize = Cli.run("tokenize", in.toString(), out.toString(), "--tokenizer",
          "cl100k_base", "--template", "chatml", "--max-length", "4096");
      assertThat(tokenize.status()).isEqualTo(1);
      Path work = small.resolve(".t.jsonl.refinery");
      assertThat(tokenize.err().strip()).startsWith("error: " + work + "/")
          .endsWith(": cannot write: No space left on device").doesNotContain("\n");
      assertThat(listAll(small)).allMatch(f -> f.startsWith(".t.jsonl.refinery/")
          && !f.contains(".tmp-"));
      FileTrees.delete(work);

      Cli blend = Cli.run("blend", "--source", "a=" + in, "--weights", "a=1",
          "--total-samples", "2000", "--seed", "1", "--output-format", "jsonl",
          small.resolve("mix").toString());
      assertThat(blend.status()).isEqualTo(1);
      // blend is a run now: one line naming the file, and the work kept for --resume (no
      // file under data/ that a reader would take for a dataset).
      assertThat(blend.err().strip()).startsWith("error: " + small.resolve("mix")
          .toAbsolutePath() + "/").endsWith(": cannot write: No space left on device")
          .doesNotContain("\n");
      assertThat(listAll(small.resolve("mix"))).anyMatch(f -> f.startsWith(".work/"))
          .noneMatch(f -> f.startsWith("data/train-"));
      try (Stream<Path> left = Files.walk(small.resolve("mix"))) {
        for (Path p : left.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }

      // generate: what fits stays; once there is room, --resume finishes the same rows.
      server.otherwise(ANSWER);
      Path prompts = rows("prompts.jsonl", 400);
      Path gen = small.resolve("gen");
      Cli full = cli(generate(prompts, gen));
      assertThat(full.status()).isEqualTo(1);
      assertThat(full.err().lines().filter(l -> !l.startsWith("progress: "))).hasSize(1);
      assertThat(full.err()).contains("No space left on device").contains(gen.toString());
      assertThat(mount(small, "16m", "remount")).isTrue();
      Cli resumed = cli(generate(prompts, gen, "--resume"));
      assertThat(resumed.status()).as(resumed.err()).isZero();
      Cli whole = cli(generate(prompts, dir.resolve("whole")));
      assertThat(whole.status()).as(whole.err()).isZero();
      assertThat(Files.readAllBytes(gen.resolve("rows.jsonl")))
          .isEqualTo(Files.readAllBytes(dir.resolve("whole/rows.jsonl")));
    } finally {
      new ProcessBuilder("umount", small.toString()).start().waitFor();
    }
  }

  private static List<String> listAll(Path root) throws Exception {
    try (Stream<Path> s = Files.walk(root)) {
      // Lock files stay (hidden, reused by the next writer); nothing else may.
      return s.filter(p -> !p.equals(root) && !Files.isDirectory(p))
          .filter(p -> !p.getFileName().toString().endsWith(".refinery.lock"))
          .map(p -> root.relativize(p).toString()).toList();
    }
  }

  /** Mounts (or remounts) a tmpfs of {@code size} on {@code at}; false when not allowed. */
  private static boolean mount(Path at, String size, String... remount) throws Exception {
    String options = (remount.length > 0 ? "remount," : "") + "size=" + size;
    Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", options, "tmpfs", at.toString())
        .redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor() == 0;
  }
}
