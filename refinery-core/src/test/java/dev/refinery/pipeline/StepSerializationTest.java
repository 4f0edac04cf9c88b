package dev.refinery.pipeline;

import static dev.refinery.generate.FakeChatServer.completion;
import static dev.refinery.generate.FakeChatServer.ok;
import static dev.refinery.generate.FakeChatServer.status;
import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.TestData;
import dev.refinery.dataset.SampleWriter;
import dev.refinery.demo.SampleData;
import dev.refinery.filter.FilterType;
import dev.refinery.filter.FilterTypes;
import dev.refinery.format.Formats;
import dev.refinery.generate.FakeChatServer;
import dev.refinery.internal.Json;
import dev.refinery.io.FileDigests;
import dev.refinery.run.Runner;
import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every step a pipeline can name, compiled from YAML, behaves the same after a Java
 * serialization round trip: runners ship steps serialized (threads today, Spark executors
 * later), so a copy must carry everything the step needs. Each step kind and each filter runs
 * in a small pipeline through the local runner twice over the same rows: here as compiled,
 * and in another JVM as read back from its serialized form (so nothing the copy needs can come
 * from static state that compiling left behind). The run folders must hold the same bytes: rows,
 * dropped rows with their reasons, tokenized output, decision files, stats.
 *
 * <p>Step kinds and filters are enumerated from their registries: a new filter runs here with its
 * defaults (or the parameters {@link #FILTER_PARAMS} gives it), and a new step kind fails {@link
 * #everyRegisteredStepKindHasASpecHere} until {@link #stepSpecs} gives it one. No kind is left
 * out: judge and generate talk to a {@link FakeChatServer} on loopback.
 */
class StepSerializationTest {
  @TempDir static Path shared;
  private static Path data;
  private static FakeChatServer server;
  /** The JVM running the copies; it says "done N" after each case, in order. */
  private static Process copies;
  private static BufferedReader copiesSay;
  private static int copiesDone = -1;

  private static final String RUBRIC = "Correct, complete and concise.";

  /**
   * Non-default parameters per filter (YAML flow-map entries after {@code name}); a filter not
   * listed runs with its defaults and its required parameters would fail compile, naming it here.
   */
  private static final Map<String, String> FILTER_PARAMS = filterParams();

  @BeforeAll
  static void rowsAndServer() throws Exception {
    data = shared.resolve("in");
    // Demo rows (every category, planted defects and duplicates) in two partitions...
    SampleData.write(data, SampleData.Spec.of(120, 11).withShardRows(60));
    // ...and real rows: graded MATH generations, each with a second response for consistency,
    // and GSM8K test questions (contamination for decontaminate, references for math_correct).
    List<Sample> real = new ArrayList<>();
    int i = 0;
    for (String line : Files.readAllLines(
        TestData.file("nemo-skills-samples/math_generations_rs0_50.jsonl"))) {
      Map<?, ?> r = (Map<?, ?>) Json.parse(line);
      String problem = (String) r.get("problem");
      String expected = String.valueOf(r.get("expected_answer"));
      String meta = Json.write(Map.of("expected_answer", expected));
      real.add(math("gen-" + i, problem, (String) r.get("generation"), meta));
      real.add(math("alt-" + i, problem, "So the answer is $\\boxed{"
          + (i % 3 == 0 ? "0" : expected) + "}$.", meta));
      i++;
    }
    List<String> gsm8k = Files.readAllLines(TestData.file("gsm8k/test.jsonl"));
    for (int k = 0; k < 30; k++) {
      Map<?, ?> r = (Map<?, ?>) Json.parse(gsm8k.get(k * 37));
      String answer = (String) r.get("answer");
      String number = answer.substring(answer.lastIndexOf("####") + 4).strip();
      real.add(math("gsm8k-" + k, (String) r.get("question"),
          answer.substring(0, answer.lastIndexOf("####")) + "\\boxed{" + number + "}",
          Json.write(Map.of("expected_answer", k % 4 == 0 ? "1" : number))));
    }
    // A few rows for filters the rows above never trip, and a repeated conversation.
    String question = "What is the sum of the first ten positive integers?";
    real.add(math("edge-refusal", question, "I'm sorry, but I can't help with that.", "{}"));
    real.add(math("edge-echo", question, question + " It is \\boxed{55}.", "{}"));
    real.add(math("edge-boilerplate", question, "Please read our privacy policy.\n\n"
        + "Lorem ipsum dolor sit amet.\n\nSee the terms of use.", "{}"));
    real.add(math("edge-url", question, "See https://pornsite.example/sum for \\boxed{55}.",
        "{\"url\": \"https://example.com/sums\"}"));
    real.add(math("edge-url-again", question, "See https://pornsite.example/sum for "
        + "\\boxed{55}.", "{\"url\": \"https://example.com/sums\"}"));
    write(data.resolve("data/math-00099-of-00100.jsonl"), real);
    // Steps that send a request per row get a third of them, so the runs stay quick.
    List<Sample> third = new ArrayList<>();
    for (int k = 0; k < real.size(); k += 3) {
      third.add(real.get(k));
    }
    write(shared.resolve("requests/part-0.jsonl"), third);

    server = new FakeChatServer().otherwise(exchange -> {
      String body = FakeChatServer.requestBody(exchange);
      int h = Math.floorMod(body.hashCode(), 1_000_003);
      if (body.contains(RUBRIC)) {
        ok(completion("Checked it.\nGRADE: " + h % 11, null)).answer(exchange);
      } else if (h % 17 == 0) {
        status(400, "{\"error\": {\"message\": \"bad request " + h + "\"}}").answer(exchange);
      } else {
        ok(completion("Let me see. The answer is \\boxed{" + h % 7 + "}.",
            body.contains("detailed thinking on") ? "thinking " + h : null)).answer(exchange);
      }
    });
    startCopies();
  }

  @AfterAll
  static void stop() throws Exception {
    if (copies != null) {
      copies.destroy();
      copies.waitFor();
    }
    server.close();
  }

  private static void write(Path file, List<Sample> rows) throws IOException {
    Files.createDirectories(file.getParent());
    try (SampleWriter w = SampleWriter.create(file, Formats.nemotron())) {
      rows.forEach(w::write);
    }
  }

  private static Sample math(String uuid, String prompt, String answer, String meta) {
    return Sample.builder().uuid(uuid).category("math").reasoning("off").license("cc-by-4.0")
        .messages(List.of(Message.of(Message.USER, prompt), Message.of(Message.ASSISTANT, answer)))
        .metadata(meta).build();
  }

  /** Specs (YAML flow maps) per step kind, non-default parameters where the kind has any. */
  private static Map<String, List<String>> stepSpecs() {
    String testdata = TestData.root().toString();
    // mistral_v1: the smallest tokenizer.json with a chat template, so runs stay quick.
    String tokenizer = testdata + "/tokenizers/mistral_v1";
    String endpoint = server.baseUrl().toString();
    Map<String, List<String>> m = new LinkedHashMap<>();
    // Filters by name run in everyFilter; here the expression form.
    m.put("filter", List.of(
        "{where: \"len(messages) > 2 or category == 'math'\"}",
        "{where: \"messages[-1].content | length > 400\"}"));
    m.put("map", List.of("{set: {license: \"category + '-licence'\", "
        + "metadata.last_length: \"messages[-1].content | length\"}}"));
    m.put("exact_dedup", List.of("{key: prompt}", "{key: conversation}"));
    m.put("fuzzy_dedup", List.of(
        "{key: answer, threshold: 0.6, ngram: 3, bands: 16, rows_per_band: 4, seed: 7}"));
    m.put("decontaminate", List.of("{benchmarks: [" + testdata + "/gsm8k/test.jsonl, "
        + testdata + "/math500/test.jsonl], ngram: 8, min_words: 6}"));
    m.put("prompt_template", List.of("{use: math}",
        "{category: chat, template: \"{prompt}\\n\\nAnswer briefly.\", system: \"Be terse.\"}"));
    m.put("reasoning_toggle", List.of("{style: think}", "{style: detailed_thinking}"));
    m.put("judge", List.of("{endpoint: \"" + endpoint + "\", model: judge-m, rubric: \""
        + RUBRIC + "\", min_grade: 4, scale: 10, concurrency: 16, include_trace: true, "
        + "max_attempts: 1}"));
    m.put("generate", List.of("{endpoint: \"" + endpoint + "\", model: gen-m, reasoning: both, "
        + "n: 2, concurrency: 16, temperature: 0.7, max_tokens: 64, seed: 5, max_attempts: 1}"));
    m.put("blend", List.of(
        "{weights: {math: 0.4, code: 0.3, stem: 0.2, chat: 0.1}, total_samples: 500}",
        "{weights: {math: 2, chat: 1}, total_tokens: 40000, tokenizer: " + tokenizer + "}"));
    m.put("consistency", List.of("{key: prompt, min_agreement: 0.6, min_responses: 2}"));
    m.put("split", List.of("{fractions: {train: 0.7, validation: 0.1, test: 0.2}, key: prompt, "
        + "salt: s1}", "{fractions: {a: 0.5, b: 0.5}, key: uuid}"));
    m.put("tokenize", List.of("{tokenizer: " + tokenizer + ", template: mistral, max_length: 512, pack: true, "
        + "overflow: truncate, reasoning: strip, format: jsonl, labels: true}"));
    return m;
  }

  private static Map<String, String> filterParams() {
    String tokenizer = TestData.root() + "/tokenizers/mistral_v1";
    Map<String, String> m = new TreeMap<>();
    m.put("structure", "content_rules: false");
    m.put("math_answer", "categories: [math, stem]");
    m.put("code_block", "categories: [code, chat]");
    m.put("prompt_repeated", "min_chars: 10");
    m.put("reasoning_length", "max_chars: 2000");
    m.put("length", "target: conversation, min_chars: 200, max_words: 600");
    m.put("turns", "min_turns: 3, max_turns: 6");
    m.put("token_length", "tokenizer: " + tokenizer + ", target: prompt, min_tokens: 12, "
        + "max_tokens: 300");
    m.put("math_correct", "missing_reference: drop");
    m.put("gopher_quality", "target: conversation, min_doc_words: 20, min_stop_words: 3");
    m.put("gopher_repetition", "dup_line_frac: 0.2");
    m.put("c4_quality", "min_num_sentences: 2, filter_curly_bracket: false");
    m.put("fineweb_quality", "line_punct_thr: 0.05, short_line_thr: 0.9");
    m.put("url", "target: url, extra_domains: [example.com]");
    m.put("regex", "target: prompt, regex_exp: \"\\\\d{3,}\"");
    m.put("word_count", "target: conversation, min_words: 30, max_words: 800");
    m.put("symbols_to_words", "max_symbol_to_word_ratio: 0.05");
    m.put("mean_word_length", "min_mean_word_length: 4.0, max_mean_word_length: 7.0");
    m.put("repeating_top_ngrams", "n: 3, max_repeating_ngram_ratio: 0.1");
    m.put("common_english_words", "min_num_common_words: 4, target: prompt");
    return m;
  }

  @Test
  void everyRegisteredStepKindHasASpecHere() {
    assertThat(stepSpecs().keySet()).as("step kinds in StepTypes")
        .containsExactlyInAnyOrderElementsOf(
            StepTypes.all().stream().map(StepType::name).toList());
    assertThat(FilterTypes.all().stream().map(FilterType::name).toList())
        .as("filters given parameters here").containsAll(FILTER_PARAMS.keySet());
    assertThat(cases()).hasSize(
        stepSpecs().values().stream().mapToInt(List::size).sum() + FilterTypes.all().size());
  }

  /** One pipeline to run twice: its steps as YAML list items, on which rows. */
  private record Case(String name, String steps, Path input) {}

  /** Every step kind with each of its specs, then every filter. */
  private static List<Case> cases() {
    List<Case> cases = new ArrayList<>();
    Map<String, List<String>> specs = stepSpecs();
    for (StepType type : StepTypes.all()) {
      for (String params : specs.getOrDefault(type.name(), List.of())) {
        String step = type.name() + ": " + params;
        cases.add(new Case(step, step, input(type.name())));
      }
    }
    for (FilterType type : FilterTypes.all()) {
      String own = FILTER_PARAMS.getOrDefault(type.name(), "");
      String params = "{name: " + type.name() + (own.isEmpty() ? "" : ", " + own);
      // The scores of every row (written into metadata), then the decisions on them.
      cases.add(new Case("filter: " + params + "}",
          "filter: " + params + ", score_only: true}\n  - filter: " + params + "}", data));
    }
    return cases;
  }

  /** The rows a step kind runs on: steps that send a request per row get fewer. */
  private static Path input(String kind) {
    return kind.equals("judge") || kind.equals("generate") ? shared.resolve("requests") : data;
  }

  /**
   * Compiles every case, serializes its steps into {@code copies/}, and starts another JVM that
   * reads them back and runs them (as a runner's executor would: no step compiled there, no
   * static state warmed up by compiling), while this JVM runs the originals case by case.
   */
  private static void startCopies() throws IOException {
    List<Case> cases = cases();
    Path dir = Files.createDirectories(shared.resolve("copies"));
    for (int i = 0; i < cases.size(); i++) {
      Case c = cases.get(i);
      try {
        Pipeline original = Pipeline.compile(spec(c, "original-" + i));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
          out.writeObject(new ArrayList<>(original.steps()));
        }
        Files.write(dir.resolve(i + ".ser"), bytes.toByteArray());
        Files.writeString(dir.resolve(i + ".yaml"), yaml(c, "copy-" + i));
      } catch (Exception e) {
        Files.writeString(dir.resolve(i + ".compile-error"), trace(e));
      }
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // C1 only and the serial collector: half the CPU for a short run on a shared machine.
    copies = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp",
        System.getProperty("java.class.path"),
        FreshJvm.class.getName(), dir.toString(), shared.toString(),
        String.valueOf(cases.size()))
        .redirectError(shared.resolve("copies.log").toFile()).start();
    copiesSay = new BufferedReader(new InputStreamReader(copies.getInputStream(),
        StandardCharsets.UTF_8));
  }

  /** The copy's run, once the other JVM is done with it (it runs the cases in order). */
  private static Path copyRun(int i) throws Exception {
    while (copiesDone < i) {
      String line = copiesSay.readLine();
      if (line == null) {
        copies.waitFor();
        throw new AssertionError("the JVM running the copies ended (exit "
            + copies.exitValue() + ") before case " + i + ": "
            + Files.readString(shared.resolve("copies.log")));
      }
      if (line.startsWith("done ")) {
        copiesDone = Integer.parseInt(line.substring(5));
      }
    }
    Path error = shared.resolve("copies").resolve(i + ".error");
    if (Files.exists(error)) {
      throw new AssertionError("the copy failed in the JVM running the copies: "
          + Files.readString(error));
    }
    return shared.resolve("runs").resolve("copy-" + i);
  }

  @TestFactory
  Stream<DynamicTest> everyStepKindAndFilterRunsTheSameAfterARoundTrip() {
    List<Case> cases = cases();
    List<DynamicTest> tests = new ArrayList<>();
    for (int i = 0; i < cases.size(); i++) {
      int n = i;
      tests.add(DynamicTest.dynamicTest(cases.get(n).name(),
          () -> assertCopyRunsAlike(cases.get(n), n)));
    }
    return tests.stream();
  }

  /** Runs the case as compiled here; the copy's run must hold the same bytes. */
  private static void assertCopyRunsAlike(Case c, int i) throws Exception {
    Path compileError = shared.resolve("copies").resolve(i + ".compile-error");
    if (Files.exists(compileError)) {
      throw new AssertionError(Files.readString(compileError));
    }
    Runner.Result a = Runner.local().run(Pipeline.compile(spec(c, "original-" + i)),
        options());
    assertThat(a.read()).isPositive();
    Map<String, String> expected = files(a.runFolder());
    Map<String, String> actual = files(copyRun(i));
    // The stats first: their drop counts say the most about a difference.
    assertThat(actual.get("stats.json")).as("stats.json").isEqualTo(expected.get("stats.json"));
    assertThat(actual.keySet()).isEqualTo(expected.keySet());
    expected.forEach((name, text) -> assertThat(actual.get(name)).as(name).isEqualTo(text));
  }

  private static PipelineSpec spec(Case c, String out) {
    return PipelineSpec.parse(out + ".yaml", yaml(c, out), shared);
  }

  private static String yaml(Case c, String out) {
    return """
        input: {path: %s, format: nemotron}
        steps:
          - %s
        output: {path: %s, format: jsonl, shards: 2}
        seed: 3
        keep_dropped: true
        """.formatted(c.input(), c.steps(), shared.resolve("runs").resolve(out));
  }

  private static Runner.Options options() {
    return new Runner.Options(1, false, Runner.Progress.NONE);
  }

  private static String trace(Throwable e) {
    java.io.StringWriter w = new java.io.StringWriter();
    e.printStackTrace(new java.io.PrintWriter(w));
    return w.toString();
  }

  /**
   * The other JVM: for each case, the steps read back from {@code copies/N.ser} run in the
   * pipeline {@code copies/N.yaml} describes; a failure goes to {@code copies/N.error}.
   */
  public static final class FreshJvm {
    public static void main(String[] args) throws Exception {
      Path dir = Path.of(args[0]);
      Path base = Path.of(args[1]);
      int n = Integer.parseInt(args[2]);
      for (int i = 0; i < n; i++) {
        Path ser = dir.resolve(i + ".ser");
        if (!Files.exists(ser)) {
          System.out.println("done " + i);
          continue;
        }
        try (ObjectInputStream in = new ObjectInputStream(Files.newInputStream(ser))) {
          @SuppressWarnings("unchecked")
          List<Step> steps = (List<Step>) in.readObject();
          PipelineSpec spec = PipelineSpec.parse("copy-" + i + ".yaml",
              Files.readString(dir.resolve(i + ".yaml")), base);
          Runner.local().run(new Pipeline(spec, steps), options());
        } catch (Exception | Error e) {
          Files.writeString(dir.resolve(i + ".error"), trace(e));
        }
        System.out.println("done " + i);
        System.out.flush();
      }
    }
  }

  /**
   * Every file of the run folder by relative path: output shards, rejects, tokenized output,
   * decision files; stats.json without its seconds. Left out: the manifest and log (they name the
   * folder and the time) and the work folder (intermediate, with timings; kept when requests
   * failed).
   */
  private static Map<String, String> files(Path run) throws IOException {
    Map<String, String> m = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(run)) {
      for (Path f : walk.filter(Files::isRegularFile).toList()) {
        String name = run.relativize(f).toString().replace('\\', '/');
        if (name.equals("manifest.json") || name.equals("run.log") || name.startsWith(".work/")) {
          continue;
        }
        String text = Files.readString(f, StandardCharsets.ISO_8859_1);
        m.put(name, name.equals("stats.json")
            ? text.replaceAll("\"seconds\"\\s*:\\s*(\\{[^}]*}|[0-9.eE+-]+)", "\"seconds\":0")
            : name.endsWith(".json") || name.endsWith(".jsonl") ? text
            : "sha256 " + FileDigests.sha256(f));
      }
    }
    return m;
  }
}
