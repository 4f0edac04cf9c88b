package dev.refinery.cli;

import static dev.refinery.generate.FakeChatServer.completion;
import static dev.refinery.generate.FakeChatServer.requestBody;
import static dev.refinery.generate.FakeChatServer.status;
import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.TestData;
import dev.refinery.generate.FakeChatServer;
import dev.refinery.internal.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenerateCommandTest {
  @TempDir
  Path dir;

  private final FakeChatServer server = new FakeChatServer();


  @AfterEach
  void stop() {
    server.close();
  }

  /** A Qwen3-like server: a trace in the content unless enable_thinking is false. */
  private static final FakeChatServer.Reply QWEN3 = exchange -> {
    String body = requestBody(exchange);
    boolean on = !body.contains("\"enable_thinking\":false");
    status(200, completion((on ? "<think>\nlet me see\n</think>\n\n" : "") + "The answer is 4.",
        null)).answer(exchange);
  };

  private static List<Map<?, ?>> jsonl(Path file) throws Exception {
    List<Map<?, ?>> rows = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      rows.add((Map<?, ?>) Json.parse(line));
    }
    return rows;
  }

  @Test
  void generatesBothModesForRealPromptsAndResumesWithoutDuplicates() throws Exception {
    Path in = TestData.file("nemo-skills-samples/openmathinstruct2_100.jsonl");
    Set<String> seen = ConcurrentHashMap.newKeySet();
    // The first attempt of every other request fails with a 500 and Retry-After: retried.
    server.otherwise(exchange -> {
      String body = requestBody(exchange);
      if (seen.add(body) && (body.hashCode() & 1) == 0) {
        status(500, "busy", "Retry-After", "0").answer(exchange);
      } else {
        QWEN3.answer(exchange);
      }
    });
    Path out = dir.resolve("gen");
    String[] args = {"generate", "--prompts", in.toString(), "--format", "alpaca", "--columns",
        "instruction=problem,output=generated_solution", "--out", out.toString(),
        "--endpoint", server.baseUrl().toString(), "--model", "qwen/test", "--mode-style",
        "qwen3", "--reasoning", "both", "--concurrency", "8", "--seed", "3",
        "--extra", "{\"top_k\": 20}", "--output-format", "parquet"};
    Cli first = Cli.run(args);

    assertThat(first.status()).as(first.err()).isZero();
    assertThat(first.out()).as(Files.readString(out.resolve("failures.jsonl")))
        .contains("100 prompts, 200 rows written, 0 failed")
        .containsPattern("\\d+ requests \\([1-9]\\d* retries\\)");
    List<Map<?, ?>> rows = jsonl(out.resolve("rows.jsonl"));
    assertThat(rows).hasSize(200);
    assertThat(rows.get(0).get("reasoning")).isEqualTo("on");
    assertThat(rows.get(1).get("reasoning")).isEqualTo("off");
    assertThat(rows.get(0).get("generator")).isEqualTo("qwen/test");
    assertThat(Files.exists(out.resolve("rows.parquet"))).isTrue();
    assertThat(server.bodies().get(0)).contains("\"top_k\":20").contains("\"seed\":");

    // Without --resume the folder is refused (the runner's message since generate runs on it);
    // with it, nothing is left to do.
    Cli again = Cli.run(args);
    assertThat(again.status()).isEqualTo(1);
    assertThat(again.err()).contains("a finished run is here");
    int before = server.requests();
    String[] resumeArgs = Stream.concat(Stream.of(args), Stream.of("--resume"))
        .toArray(String[]::new);
    Cli resumed = Cli.run(resumeArgs);
    assertThat(resumed.status()).as(resumed.err()).isZero();
    assertThat(resumed.out()).contains("0 rows written (+200 resumed)");
    assertThat(server.requests()).isEqualTo(before);
    List<Object> uuids = new ArrayList<>();
    jsonl(out.resolve("rows.jsonl")).forEach(r -> uuids.add(r.get("uuid")));
    assertThat(new HashSet<>(uuids)).hasSize(200);
  }

  @Test
  void aKill9MidRunThenResumeGivesTheBytesOfAnUninterruptedRun() throws Exception {
    // Responses take a little while, so the child is killed with rows on disk and some missing.
    server.otherwise(exchange -> {
      try {
        Thread.sleep(15);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      QWEN3.answer(exchange);
    });
    Path in = dir.resolve("prompts.jsonl");
    StringBuilder prompts = new StringBuilder();
    for (int i = 0; i < 60; i++) {
      prompts.append("{\"prompt\": \"What is ").append(i).append(" + 1?\"}\n");
    }
    Files.writeString(in, prompts.toString());
    List<String> args = List.of("generate", "--prompts", in.toString(), "--endpoint",
        server.baseUrl().toString(), "--model", "m", "--mode-style", "qwen3", "--reasoning",
        "both", "--concurrency", "2", "--seed", "5");

    Path whole = dir.resolve("whole");
    Cli uninterrupted = Cli.run(Stream.concat(args.stream(), Stream.of("--out",
        whole.toString())).toArray(String[]::new));
    assertThat(uninterrupted.status()).as(uninterrupted.err()).isZero();

    Path killed = dir.resolve("killed");
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(args);
    command.addAll(List.of("--out", killed.toString()));
    Process child = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve("child.log").toFile()).start();
    // The answers so far are in the work folder's journal, one line each, as they come.
    Path journal = killed.resolve(".work/generate/rows-00000.jsonl");
    long deadline = System.nanoTime() + 60_000_000_000L;
    while ((!Files.exists(journal) || Files.readAllLines(journal).size() < 20)
        && System.nanoTime() < deadline && child.isAlive()) {
      Thread.sleep(20);
    }
    child.destroyForcibly().waitFor(); // SIGKILL: no shutdown hooks, no flushing
    byte[] kept = Files.readAllBytes(journal);
    int answered = 0;
    for (byte b : kept) {
      answered += b == '\n' ? 1 : 0; // a torn last line is not an answer kept
    }
    assertThat(answered).as(Files.readString(dir.resolve("child.log"))).isBetween(20, 119);
    assertThat(killed.resolve("rows.jsonl")).doesNotExist();

    int before = server.requests();
    Cli resumed = Cli.run(Stream.concat(args.stream(), Stream.of("--out", killed.toString(),
        "--resume")).toArray(String[]::new));
    assertThat(resumed.status()).as(resumed.err()).isZero();
    assertThat(resumed.out()).contains((120 - answered) + " rows written (+" + answered
        + " resumed)");
    // Only the requests without a kept answer are sent again.
    assertThat(server.requests() - before).isEqualTo(120 - answered);
    assertThat(Files.readAllBytes(killed.resolve("rows.jsonl"))).isEqualTo(
        Files.readAllBytes(whole.resolve("rows.jsonl")));
  }

  @Test
  void barePromptsWithAKeyThatNeverShows() throws Exception {
    server.otherwise(QWEN3);
    Path in = dir.resolve("prompts.jsonl");
    Files.writeString(in, "{\"prompt\": \"What is 2+2?\"}\n{\"prompt\": \"And 3+1?\"}\n");
    Path out = dir.resolve("gen");
    // PATH is set in every environment: a long secret-like value to look for.
    String key = System.getenv("PATH").strip();

    Cli cli = Cli.run("generate", "--prompts", in.toString(), "--out", out.toString(),
        "--endpoint", server.baseUrl().toString(), "--model", "m", "--api-key-env", "PATH",
        "--mode-style", "qwen3", "--n", "2");

    assertThat(cli.status()).as(cli.err()).isZero();
    assertThat(server.authorizations()).allMatch(("Bearer " + key)::equals).hasSize(4);
    assertThat(jsonl(out.resolve("rows.jsonl"))).hasSize(4);
    assertThat(cli.out() + cli.err()).doesNotContain(key);
    try (Stream<Path> files = Files.walk(out)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertThat(Files.readString(f)).doesNotContain(key);
      }
    }
  }

  @Test
  void badOptionsAreOneLineErrors() throws Exception {
    Path in = dir.resolve("prompts.jsonl");
    Files.writeString(in, "{\"prompt\": \"hi\"}\n");
    String url = server.baseUrl().toString();
    Cli noKey = Cli.run("generate", "--prompts", in.toString(), "--out", dir.resolve("o")
        .toString(), "--endpoint", url, "--model", "m", "--api-key-env",
        "REFINERY_SURELY_UNSET_VARIABLE");
    assertThat(noKey.err().strip()).isEqualTo("error: environment variable "
        + "REFINERY_SURELY_UNSET_VARIABLE (the API key) is not set");
    Cli r1Off = Cli.run("generate", "--prompts", in.toString(), "--out", dir.resolve("o")
        .toString(), "--endpoint", url, "--model", "m", "--mode-style", "deepseek-r1",
        "--reasoning", "both");
    assertThat(r1Off.status()).isEqualTo(1);
    assertThat(r1Off.err()).startsWith("error: DeepSeek-R1 style models always reason");
    Cli extra = Cli.run("generate", "--prompts", in.toString(), "--out", dir.resolve("o")
        .toString(), "--endpoint", url, "--model", "m", "--extra", "{\"seed\": 1}");
    assertThat(extra.err().strip()).isEqualTo(
        "error: --extra: extra request field 'seed' has its own option; set it there");
    assertThat(server.requests()).isZero();
  }

  @org.junit.jupiter.api.Test
  void theEtaComesFromTheRateOfFinishedGenerations() {
    var s = new dev.refinery.generate.GenerationStats(25, 10, 40, 10, 0, 0, 60, 10, 10.0);
    // 50 finished in 10 s; 200 - 50 - 10 resumed = 140 left at 5/s.
    org.assertj.core.api.Assertions.assertThat(GenerateCommand.eta(s, 200))
        .isEqualTo("; 140 of 200 left, ETA 28s");
    var slow = new dev.refinery.generate.GenerationStats(1, 0, 1, 0, 0, 0, 1, 0, 60.0);
    org.assertj.core.api.Assertions.assertThat(GenerateCommand.eta(slow, 100))
        .isEqualTo("; 99 of 100 left, ETA 1h39m");
    org.assertj.core.api.Assertions.assertThat(GenerateCommand.eta(
        new dev.refinery.generate.GenerationStats(0, 0, 0, 0, 0, 0, 0, 0, 1.0), 10)).isEmpty();
  }

  private Path barePrompts(String name, int count) throws Exception {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < count; i++) {
      b.append("{\"prompt\": \"What is ").append(name).append(' ').append(i).append("?\"}\n");
    }
    return Files.writeString(dir.resolve(name + ".jsonl"), b.toString());
  }

  /** The CLI in a child JVM whose environment holds OPENAI_API_KEY (a test cannot set its own). */
  private Process child(String key, Path log, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().put("OPENAI_API_KEY", key);
    return pb.start();
  }

  @Test
  void openAiApiKeyIsTheDefaultKeyNoneSendsNoneAndTheKeyIsNeverWritten() throws Exception {
    server.otherwise(QWEN3);
    Path in = barePrompts("key", 2);
    String key = "sk-default-key-7f3e9a1c5b";
    Path out = dir.resolve("gen");
    Path log = dir.resolve("child.log");
    Process withDefault = child(key, log, "generate", "--prompts", in.toString(), "--out",
        out.toString(), "--endpoint", server.baseUrl().toString(), "--model", "m",
        "--mode-style", "qwen3", "--verbose");
    assertThat(withDefault.waitFor()).as(Files.readString(log)).isZero();
    assertThat(server.authorizations()).containsExactly("Bearer " + key, "Bearer " + key);
    assertThat(Files.readString(log)).contains("2 rows written").doesNotContain(key);
    try (Stream<Path> files = Files.walk(out)) {
      List<Path> written = files.filter(Files::isRegularFile).toList();
      assertThat(written).extracting(p -> p.getFileName().toString())
          .contains("rows.jsonl", "settings.json", "run.json", "stats.json", "run.log");
      for (Path f : written) {
        assertThat(Files.readString(f)).doesNotContain(key);
      }
    }

    Process none = child(key, log, "generate", "--prompts", in.toString(), "--out",
        dir.resolve("none").toString(), "--endpoint", server.baseUrl().toString(), "--model",
        "m", "--mode-style", "qwen3", "--api-key-env", "NONE");
    assertThat(none.waitFor()).as(Files.readString(log)).isZero();
    assertThat(server.authorizations().subList(2, 4)).containsExactly(null, null);
  }

  @Test
  void theSamePromptsWithAndWithoutStreamGiveByteIdenticalRows() throws Exception {
    server.otherwise(QWEN3);
    Path in = TestData.file("nemo-skills-samples/openmathinstruct2_100.jsonl");
    List<String> args = List.of("generate", "--prompts", in.toString(), "--format", "alpaca",
        "--columns", "instruction=problem,output=generated_solution", "--endpoint",
        server.baseUrl().toString(), "--model", "m", "--mode-style", "qwen3", "--reasoning",
        "both", "--seed", "9");
    Cli whole = Cli.run(Stream.concat(args.stream(), Stream.of("--out",
        dir.resolve("whole").toString())).toArray(String[]::new));
    int before = server.requests();
    Cli streamed = Cli.run(Stream.concat(args.stream(), Stream.of("--out",
        dir.resolve("streamed").toString(), "--stream")).toArray(String[]::new));

    assertThat(whole.status()).as(whole.err()).isZero();
    assertThat(streamed.status()).as(streamed.err()).isZero();
    assertThat(streamed.out()).contains("200 rows written, 0 failed");
    assertThat(server.bodies().subList(before, server.requests()))
        .allMatch(b -> b.contains("\"stream\":true"));
    assertThat(Files.readAllBytes(dir.resolve("streamed").resolve("rows.jsonl")))
        .isEqualTo(Files.readAllBytes(dir.resolve("whole").resolve("rows.jsonl")));
  }

  @Test
  void aWrongKeyStopsAtOnceWithOneLineSayingWhatToCheck() throws Exception {
    server.otherwise(status(401, "{\"error\": {\"message\": \"Incorrect API key provided\"}}"));
    Path in = barePrompts("wrong", 200);
    Cli cli = Cli.run("generate", "--prompts", in.toString(), "--out",
        dir.resolve("o").toString(), "--endpoint", server.baseUrl().toString(), "--model", "m",
        "--concurrency", "2");
    assertThat(cli.status()).isEqualTo(1);
    assertThat(cli.err().strip()).isEqualTo("error: HTTP 401 from " + server.baseUrl()
        + "/chat/completions: Incorrect API key provided; check the API key (the variable "
        + "--api-key-env or api_key_env names, OPENAI_API_KEY by default; NONE for none)");
    assertThat(server.requests()).isLessThanOrEqualTo(8);
  }

  @Test
  void everyGenerationFailedExitsNonZero() throws Exception {
    server.otherwise(status(400, "{\"error\": {\"message\": \"max_tokens is too large\"}}"));
    Cli cli = Cli.run("generate", "--prompts", barePrompts("fail", 3).toString(), "--out",
        dir.resolve("o").toString(), "--endpoint", server.baseUrl().toString(), "--model", "m");
    assertThat(cli.status()).isEqualTo(1);
    // The generate step's failure detail: kind and status, mode, sample and prompt, reason.
    assertThat(cli.err().strip()).startsWith("error: all 3 generations failed; the last: "
        + "HTTP_STATUS 400, reasoning on, sample 0, prompt ")
        .contains(": after 1 attempt: HTTP 400").contains("max_tokens is too large")
        .endsWith("run again with --resume");
  }

  @Test
  void aResumeWithAnotherPromptsFileIsRefusedAndNothingIsMixed() throws Exception {
    server.otherwise(QWEN3);
    Path first = barePrompts("first", 50);
    Path out = dir.resolve("o");
    String url = server.baseUrl().toString();
    Cli run = Cli.run("generate", "--prompts", first.toString(), "--out", out.toString(),
        "--endpoint", url, "--model", "m", "--mode-style", "qwen3");
    assertThat(run.status()).as(run.err()).isZero();
    byte[] rows = Files.readAllBytes(out.resolve("rows.jsonl"));
    int before = server.requests();

    Path other = barePrompts("other", 120);
    Cli resumed = Cli.run("generate", "--prompts", other.toString(), "--out", out.toString(),
        "--endpoint", url, "--model", "m", "--mode-style", "qwen3", "--resume");
    assertThat(resumed.status()).isEqualTo(1);
    assertThat(resumed.err()).startsWith("error: " + out.resolve("settings.json")
        + ": --resume with another input than the earlier run: " + other).contains(first.toString());
    assertThat(server.requests()).isEqualTo(before);
    assertThat(Files.readAllBytes(out.resolve("rows.jsonl"))).isEqualTo(rows);
  }

  @Test
  void streamInExtraPointsToTheStreamOption() throws Exception {
    Cli cli = Cli.run("generate", "--prompts", barePrompts("x", 1).toString(), "--out",
        dir.resolve("o").toString(), "--endpoint", server.baseUrl().toString(), "--model", "m",
        "--extra", "{\"stream\": true}");
    assertThat(cli.err().strip()).isEqualTo("error: --extra: extra request field 'stream' has "
        + "its own option (--stream, or stream: true in a pipeline step); set it there");
  }

  /** The CLI with input partitions of about {@code bytes} (several for a small prompts file). */
  private static Cli withPartitions(long bytes, List<String> args) {
    String property = dev.refinery.pipeline.PipelineSpec.PARTITION_SIZE_PROPERTY;
    System.setProperty(property, Long.toString(bytes));
    try {
      return Cli.run(args.toArray(String[]::new));
    } finally {
      System.clearProperty(property);
    }
  }

  private static List<String> plus(List<String> args, String... more) {
    return Stream.concat(args.stream(), Stream.of(more)).toList();
  }

  @Test
  void oneWorkerAndThreeGiveTheSameBytesOverManyPartitions() throws Exception {
    server.otherwise(QWEN3);
    Path in = barePrompts("workers", 80); // about 2.7 KB: two partitions of 2 KiB
    List<String> args = List.of("generate", "--prompts", in.toString(), "--endpoint",
        server.baseUrl().toString(), "--model", "m", "--mode-style", "qwen3", "--reasoning",
        "both", "--n", "2", "--seed", "11", "--concurrency", "3", "--output-format", "parquet");
    Cli one = withPartitions(2048, plus(args, "--out", dir.resolve("one").toString(),
        "--workers", "1"));
    Cli three = withPartitions(2048, plus(args, "--out", dir.resolve("three").toString(),
        "--workers", "3"));
    Cli whole = Cli.run(plus(args, "--out", dir.resolve("whole").toString(), "--workers", "3")
        .toArray(String[]::new));

    assertThat(one.status()).as(one.err()).isZero();
    assertThat(three.status()).as(three.err()).isZero();
    assertThat(whole.status()).as(whole.err()).isZero();
    assertThat(one.out()).contains("80 prompts, 320 rows written, 0 failed");
    assertThat(Files.readString(dir.resolve("one/run.log"))).contains("2 partitions");
    for (String file : List.of("rows.jsonl", "rows.parquet", "failures.jsonl",
        "settings.json")) {
      assertThat(Files.readAllBytes(dir.resolve("three").resolve(file))).as(file)
          .isEqualTo(Files.readAllBytes(dir.resolve("one").resolve(file)));
    }
    assertThat(Files.readAllBytes(dir.resolve("whole/rows.jsonl")))
        .isEqualTo(Files.readAllBytes(dir.resolve("one/rows.jsonl")));
    assertThat(Files.readString(dir.resolve("one/stats.json")))
        .contains("\"read\":80,\"written\":320").contains("\"conserved\":true");
    assertThat(dir.resolve("one/.work")).doesNotExist();
  }

  @Test
  void aResumeSendsAgainOnlyTheRequestsThatFailed() throws Exception {
    // Until healed, the server refuses (400, not retried) every prompt whose number ends in 3.
    java.util.concurrent.atomic.AtomicBoolean healed =
        new java.util.concurrent.atomic.AtomicBoolean();
    server.otherwise(exchange -> {
      String body = requestBody(exchange);
      if (!healed.get() && body.matches("(?s).*What is failing \\d*3\\?.*")) {
        status(400, "{\"error\": {\"message\": \"not now\"}}").answer(exchange);
      } else {
        QWEN3.answer(exchange);
      }
    });
    Path in = barePrompts("failing", 60);
    List<String> args = List.of("generate", "--prompts", in.toString(), "--endpoint",
        server.baseUrl().toString(), "--model", "m", "--mode-style", "qwen3", "--reasoning",
        "both", "--seed", "2", "--workers", "3");
    Path out = dir.resolve("o");
    Cli first = withPartitions(1024, plus(args, "--out", out.toString()));
    assertThat(first.status()).as(first.err()).isZero();
    // 6 of 60 prompts end in 3, each in two modes: 12 failures, 108 rows.
    assertThat(first.out()).contains("60 prompts, 108 rows written, 12 failed");
    assertThat(server.requests()).isEqualTo(120);
    List<Map<?, ?>> failures = jsonl(out.resolve("failures.jsonl"));
    assertThat(failures).hasSize(12);
    Map<?, ?> failure = failures.get(0);
    assertThat(failure.get("kind")).isEqualTo("HTTP_STATUS");
    assertThat(((Number) failure.get("status")).intValue()).isEqualTo(400);
    assertThat(((Number) failure.get("attempts")).intValue()).isEqualTo(1);
    assertThat(failure.get("reasoning")).isEqualTo("on");
    assertThat(new ArrayList<Object>(failure.keySet())).containsExactly("uuid", "prompt_uuid", "reasoning",
        "sample_index", "kind", "status", "attempts", "reason");
    assertThat(jsonl(out.resolve("rows.jsonl"))).hasSize(108);

    healed.set(true);
    Cli resumed = withPartitions(1024, plus(args, "--out", out.toString(), "--resume"));
    assertThat(resumed.status()).as(resumed.err()).isZero();
    assertThat(resumed.out()).contains("60 prompts, 12 rows written (+108 resumed), 0 failed");
    assertThat(server.requests()).isEqualTo(132);
    assertThat(server.bodies().subList(120, 132))
        .allMatch(b -> b.matches("(?s).*What is failing \\d*3\\?.*"));
    assertThat(Files.readString(out.resolve("failures.jsonl"))).isEmpty();

    // The same bytes as a run against a healthy server from the start.
    Cli healthy = withPartitions(1024, plus(args, "--out", dir.resolve("healthy").toString()));
    assertThat(healthy.status()).as(healthy.err()).isZero();
    assertThat(Files.readAllBytes(out.resolve("rows.jsonl")))
        .isEqualTo(Files.readAllBytes(dir.resolve("healthy/rows.jsonl")));

    // Nothing left: a resume sends nothing and changes nothing.
    byte[] rows = Files.readAllBytes(out.resolve("rows.jsonl"));
    int before = server.requests();
    Cli again = withPartitions(1024, plus(args, "--out", out.toString(), "--resume"));
    assertThat(again.status()).as(again.err()).isZero();
    assertThat(again.out()).contains("0 rows written (+120 resumed), 0 failed");
    assertThat(server.requests()).isEqualTo(before);
    assertThat(Files.readAllBytes(out.resolve("rows.jsonl"))).isEqualTo(rows);
  }

  @Test
  void aResumeOfAnUnfinishedRunWithOtherSettingsNamesWhatDiffers() throws Exception {
    // A run stopped by its failure limit leaves an unfinished run (no settings.json yet): its
    // settings are read from the run's fingerprint.
    server.otherwise(status(400, "{\"error\": {\"message\": \"no\"}}"));
    Path in = barePrompts("stop", 3);
    Path out = dir.resolve("o");
    Cli stopped = Cli.run("generate", "--prompts", in.toString(), "--out", out.toString(),
        "--endpoint", server.baseUrl().toString(), "--model", "m", "--temperature", "0.5");
    assertThat(stopped.status()).isEqualTo(1);
    assertThat(out.resolve("settings.json")).doesNotExist();
    Cli other = Cli.run("generate", "--prompts", in.toString(), "--out", out.toString(),
        "--endpoint", server.baseUrl().toString(), "--model", "m", "--temperature", "0.7",
        "--resume");
    assertThat(other.status()).isEqualTo(1);
    assertThat(other.err().strip()).startsWith("error: ")
        .contains(".work/spec.json: --resume with other settings than the earlier run: "
            + "temperature 0.5 -> 0.7");
  }

  @Test
  void twoPromptsSharingAUuidEachGetTheirOwnAnswer() throws Exception {
    // Imported data repeats uuids (sample-data plants such rows): the rows then share a uuid too,
    // and an answer kept for one must never stand in for the other's.
    server.otherwise(exchange -> {
      String body = requestBody(exchange);
      status(200, completion(body.contains("1 + 1") ? "Two." : "Three.", null)).answer(exchange);
    });
    // Far apart, so the first one's answer is long kept when the second is asked for.
    StringBuilder prompts = new StringBuilder(
        "{\"uuid\": \"u-1\", \"messages\": [{\"role\": \"user\", \"content\": \"What is 1 + 1?\"}]}\n");
    for (int i = 0; i < 40; i++) {
      prompts.append("{\"uuid\": \"f-").append(i).append("\", \"messages\": [{\"role\": "
          + "\"user\", \"content\": \"Filler ").append(i).append("\"}]}\n");
    }
    prompts.append("{\"uuid\": \"u-1\", \"messages\": [{\"role\": \"user\", "
        + "\"content\": \"What is 1 + 2?\"}]}\n");
    Path in = Files.writeString(dir.resolve("same-uuid.jsonl"), prompts.toString());
    Path out = dir.resolve("o");
    Cli cli = Cli.run("generate", "--prompts", in.toString(), "--format", "nemotron", "--out",
        out.toString(), "--endpoint", server.baseUrl().toString(), "--model", "m",
        "--reasoning", "off", "--concurrency", "1");
    assertThat(cli.status()).as(cli.err()).isZero();
    assertThat(cli.out()).contains("42 rows written, 0 failed");
    assertThat(server.requests()).isEqualTo(42);
    List<Map<?, ?>> rows = jsonl(out.resolve("rows.jsonl"));
    assertThat(rows).hasSize(42);
    assertThat(rows.get(0).toString()).contains("1 + 1").contains("Two.");
    assertThat(rows.get(41).toString()).contains("1 + 2").contains("Three.");
  }

  @Test
  void aKeyTheServerEchoesInAFailureIsWrittenNowhere() throws Exception {
    // PATH is set in every environment: a long secret-like value to look for.
    String key = System.getenv("PATH").strip();
    server.otherwise(exchange -> {
      if (requestBody(exchange).contains("key 1?")) {
        // A 400 fails the row alone (a 401 would stop the run).
        status(400, "{\"error\":{\"message\":\"Bad request with key " + key + "\"}}")
            .answer(exchange);
      } else {
        QWEN3.answer(exchange);
      }
    });
    Path out = dir.resolve("o");
    Cli cli = Cli.run("generate", "--prompts", barePrompts("key", 3).toString(), "--out",
        out.toString(), "--endpoint", server.baseUrl().toString(), "--model", "m",
        "--api-key-env", "PATH", "--mode-style", "qwen3", "--reasoning", "both");
    assertThat(cli.status()).as(cli.err()).isZero();
    assertThat(cli.out()).contains("4 rows written, 2 failed");
    assertThat(cli.out() + cli.err()).doesNotContain(key);
    assertThat(Files.readString(out.resolve("failures.jsonl"))).contains("[API key]");
    // Every file, the work folder kept for the retry (journals, drops, Parquet stage files)
    // included; bytes as Latin-1 so binary files are read too.
    assertThat(out.resolve(".work/generate")).exists();
    try (Stream<Path> files = Files.walk(out)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertThat(new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1))
            .as(f.toString()).doesNotContain(key);
      }
    }
  }

  @Test
  void settingsAreSortedJsonAndOldJavaTextSettingsGetAClearMessage() throws Exception {
    server.otherwise(QWEN3);
    Path in = barePrompts("settings", 2);
    Path out = dir.resolve("o");
    List<String> args = List.of("generate", "--prompts", in.toString(), "--out", out.toString(),
        "--endpoint", server.baseUrl().toString(), "--model", "m", "--mode-style", "qwen3");
    assertThat(Cli.run(args.toArray(String[]::new)).status()).isZero();
    String text = Files.readString(out.resolve("settings.json"));
    Map<?, ?> settings = (Map<?, ?>) Json.parse(text);
    assertThat(Json.write(settings.get("prompts")))
        .isEqualTo("{\"reasoning_toggle\":\"none\",\"system_prompt\":null,\"template\":null}");
    assertThat(settings.get("input_sha256"))
        .isEqualTo(dev.refinery.io.FileDigests.sha256(in));
    assertThat(new ArrayList<Object>(settings.keySet())).isSortedAccordingTo(
        (a, b) -> a.toString().compareTo(b.toString()));
    assertThat(text).isEqualTo(Json.writeCanonical(settings) + "\n");

    // What an earlier Refinery wrote: prompt options as Java text and no input digest.
    Files.writeString(out.resolve("settings.json"), "{\"model\":\"m\","
        + "\"prompts\":\"PromptOptions[systemPrompt=null, templates=null, toggle=NONE]\"}\n");
    int before = server.requests();
    Cli resumed = Cli.run(plus(args, "--resume").toArray(String[]::new));
    assertThat(resumed.status()).isEqualTo(1);
    assertThat(resumed.err().strip()).isEqualTo("error: " + out.resolve("settings.json")
        + ": written by an earlier Refinery that did not record the input's digest, so this "
        + "resume cannot be checked against the earlier run's prompts and settings; run with "
        + "the same options into a new folder, or delete settings.json to resume anyway");
    assertThat(server.requests()).isEqualTo(before);
  }
}
