package dev.refinery.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.refinery.RefineryException;
import dev.refinery.TestData;
import dev.refinery.demo.SampleData;
import dev.refinery.internal.Json;
import dev.refinery.io.FileKind;
import dev.refinery.io.ParquetFiles;
import dev.refinery.run.Runner;
import dev.refinery.sample.Sample;
import dev.refinery.tokenize.TokenOffsets;
import dev.refinery.tokenize.Tokenizer;
import dev.refinery.tokenize.Tokenizers;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tokenize step in real YAML runs on the demo data with the real Qwen3 tokenizer. */
class TokenizeStepTest {
  @TempDir static Path shared;
  static Path data;

  @TempDir Path dir;

  @BeforeAll
  static void dataset() {
    data = shared.resolve("in");
    SampleData.write(data, SampleData.Spec.of(600, 7).withShardRows(100));
  }

  /** The pipeline file, in {@code dir}, with the tokenizer path relative to it. */
  private PipelineSpec spec(String name, String tokenize) throws Exception {
    Path tokenizer = TestData.file("tokenizers/qwen3/tokenizer.json").getParent();
    Path yaml = dir.resolve(name + ".yaml");
    Files.writeString(yaml, """
        input: {path: %s}
        steps:
          - filter: {name: turns, max_turns: 6}
          - tokenize: {tokenizer: %s, template: qwen3, %s}
        output: {path: %s, format: jsonl, shards: 2}
        keep_dropped: true
        """.formatted(data, dir.relativize(tokenizer), tokenize, dir.resolve(name)));
    return PipelineSpec.read(yaml);
  }

  private static Runner.Options options(boolean resume) {
    return new Runner.Options(2, resume, Runner.Progress.NONE);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> json(Path file) throws Exception {
    return (Map<String, Object>) Json.parse(Files.readString(file));
  }

  @Test
  void runWritesTokenizedOutputAndEverySampleIsAccountedFor() throws Exception {
    Runner.Result r = Runner.local().run(Pipeline.compile(spec("a",
        "max_length: 300, pack: true, overflow: drop, format: parquet")), options(false));
    assertThat(r.conserved()).isTrue();
    StepStats tokenize = r.steps().get(r.steps().size() - 1);
    assertThat(tokenize.name()).isEqualTo("tokenize");
    assertThat(tokenize.dropped()).containsKeys("template_error", "over_max_length");
    assertThat(tokenize.out()).isEqualTo(r.written());

    Path run = dir.resolve("a");
    Map<String, Object> stats = json(run.resolve("stats.json"));
    @SuppressWarnings("unchecked")
    Map<String, Object> tokenized = (Map<String, Object>) stats.get("tokenized");
    assertThat(tokenized.get("files")).isEqualTo(List.of("tokenized/tokens.parquet"));
    long rows = ParquetFiles.rowCount(run.resolve("tokenized/tokens.parquet"));
    assertThat(tokenized.get("rows")).isEqualTo(rows);
    assertThat(rows).isPositive().isLessThan(r.written());

    Map<String, Object> tokenStats = json(run.resolve("tokenized/tokens.stats.json"));
    @SuppressWarnings("unchecked")
    Map<String, Object> total = (Map<String, Object>) tokenStats.get("total");
    assertThat(total).containsEntry("read", r.written()).containsEntry("written", r.written())
        .containsEntry("rejected", 0L);
    @SuppressWarnings("unchecked")
    Map<String, Object> packing = (Map<String, Object>) tokenStats.get("packing");
    assertThat(packing).containsEntry("samples", r.written()).containsEntry("sequences", rows);
    assertThat((Map<?, ?>) tokenStats.get("by_category")).hasSizeGreaterThan(2);

    // keep_dropped: the tokenize step's drops are in the rejects with their reasons.
    long tokenizeRejects = 0;
    try (Stream<Path> files = Files.list(run.resolve("rejects"))) {
      for (Path f : files.toList()) {
        for (String line : Files.readAllLines(f)) {
          if (line.contains("\"step\":\"tokenize\"")) {
            tokenizeRejects++;
          }
        }
      }
    }
    assertThat(tokenizeRejects).isEqualTo(tokenize.droppedTotal());
  }

  /** A tokenizer that counts the texts it encodes. */
  private record Counting(Tokenizer tokenizer, AtomicLong encoded) implements Tokenizer {
    @Override
    public String name() {
      return tokenizer.name();
    }

    @Override
    public int[] encode(String text, boolean addSpecialTokens) {
      encoded.incrementAndGet();
      return tokenizer.encode(text, addSpecialTokens);
    }

    @Override
    public TokenOffsets encodeWithOffsets(String text) {
      encoded.incrementAndGet();
      return tokenizer.encodeWithOffsets(text);
    }

    @Override
    public String decode(int[] ids) {
      return tokenizer.decode(ids);
    }

    @Override
    public int vocabSize() {
      return tokenizer.vocabSize();
    }

    @Override
    public Integer tokenId(String token) {
      return tokenizer.tokenId(token);
    }

    @Override
    public void close() {
      tokenizer.close();
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyRowIsTokenizedOnce() throws Exception {
    // The step tokenized each row to decide its drops, and the final stage tokenized it again.
    PipelineSpec spec = spec("once", "max_length: 300, pack: true, overflow: truncate, "
        + "format: jsonl");
    Pipeline compiled = Pipeline.compile(spec);
    TokenizeStep step = (TokenizeStep) compiled.steps().get(1);
    AtomicLong encoded = new AtomicLong();
    try (Tokenizer tok = new Counting(Tokenizers.open(step.config().tokenizer()), encoded)) {
      Pipeline counted = new Pipeline(spec, List.of(compiled.steps().get(0),
          new TokenizeStep(step.config(), false, tok)));
      Runner.Result r = Runner.local().run(counted, options(false));
      StepStats tokenize = r.steps().get(r.steps().size() - 1);
      assertThat(tokenize.in()).isPositive();
      // A row the template cannot render fails before it reaches the tokenizer.
      assertThat(encoded.get()).isEqualTo(tokenize.in()
          - tokenize.dropped().getOrDefault(TokenizeStep.TEMPLATE_ERROR, 0L));
      Map<String, Object> total = (Map<String, Object>) json(dir.resolve(
          "once/tokenized/tokens.stats.json")).get("total");
      assertThat(total).containsEntry("read", r.written());
      assertThat((Long) ((Map<String, Object>) total.get("over_max_length")).get("truncated"))
          .isPositive();
    }
    // The data shards hold the rows as they were, without the tokens carried to the sink.
    for (String line : Files.readAllLines(dir.resolve("once/data/train-00000-of-00002.jsonl"))) {
      assertThat(line).doesNotContain(TokenAttachment.TOKENS);
    }
  }

  @Test
  void packedMegatronBytesDependOnTheRowsOnlyNotOnPartitionsOrWorkers() throws Exception {
    Path jsonl = dir.resolve("jsonl");
    SampleData.write(jsonl, SampleData.Spec.of(300, 7).withFileKind(FileKind.JSONL));
    Path tokenizer = TestData.file("tokenizers/qwen3");
    Map<String, byte[]> first = null;
    for (String run : List.of("w1:0:1", "w3:0:3", "tiny:2048:3")) {
      String[] f = run.split(":");
      PipelineSpec spec = PipelineSpec.parse(f[0] + ".yaml", """
          input: {path: %s, partition_size: %s}
          steps:
            - filter: {name: turns, max_turns: 6}
            - tokenize: {tokenizer: %s, template: qwen3, max_length: 512, pack: true,
                         pack_window: 40, overflow: truncate, format: megatron}
          output: {path: %s, format: parquet, shards: 2}
          """.formatted(jsonl, f[1].equals("0") ? "67108864" : f[1], tokenizer,
          dir.resolve(f[0])), dir);
      Runner.Result r = Runner.local().run(Pipeline.compile(spec),
          new Runner.Options(Integer.parseInt(f[2]), false, Runner.Progress.NONE));
      assertThat(r.conserved()).isTrue();
      Map<String, byte[]> bytes = new java.util.TreeMap<>();
      for (String file : List.of("tokenized/tokens.bin", "tokenized/tokens.idx",
          "tokenized/tokens.stats.json", "data/train-00000-of-00002.parquet",
          "data/train-00001-of-00002.parquet")) {
        bytes.put(file, Files.readAllBytes(dir.resolve(f[0]).resolve(file)));
      }
      if (first == null) {
        first = bytes;
      } else {
        for (String file : bytes.keySet()) {
          assertThat(bytes.get(file)).as(run + " " + file).isEqualTo(first.get(file));
        }
      }
    }
    assertThat(Files.readString(dir.resolve("tiny/run.log"))).containsPattern("\\d+ partitions");
  }

  @Test
  void badParametersFailBeforeAnyWorkNamingTheLine() throws Exception {
    assertThatThrownBy(() -> Pipeline.compile(spec("b1", "max_length: 64, format: csv")))
        .isInstanceOf(RefineryException.class)
        .hasMessageContaining("b1.yaml:4 steps[1].tokenize.format")
        .hasMessageContaining("parquet");
    assertThatThrownBy(() -> Pipeline.compile(spec("b2", "max_length: 64, pack: true, "
        + "overflow: keep")))
        .hasMessageContaining("b2.yaml:4 steps[1].tokenize.overflow");
    assertThatThrownBy(() -> Pipeline.compile(spec("b3", "pack: true")))
        .hasMessageContaining("b3.yaml:4 steps[1].tokenize: parameter 'max_length' is required");
    assertThatThrownBy(() -> Pipeline.compile(spec("b4", "max_length: 64, template: nosuch")))
        .isInstanceOf(RefineryException.class);
    Path yaml = dir.resolve("b5.yaml");
    Files.writeString(yaml, """
        input: {path: %s}
        steps:
          - tokenize: {tokenizer: nowhere/tokenizer.json, template: qwen3, max_length: 64}
          - filter: {name: turns, max_turns: 6}
        output: {path: %s}
        """.formatted(data, dir.resolve("b5")));
    assertThatThrownBy(() -> Pipeline.compile(PipelineSpec.read(yaml)))
        .hasMessageContaining("b5.yaml:3 steps[0].tokenize.tokenizer: tokenizer not found")
        .hasMessageContaining(dir.resolve("nowhere").toString());
    assertThat(dir.resolve("b1")).doesNotExist();
  }

  @Test
  void tokenizeMustBeTheLastStep() throws Exception {
    Path tokenizer = TestData.file("tokenizers/qwen3/tokenizer.json");
    Path yaml = dir.resolve("c.yaml");
    Files.writeString(yaml, """
        input: {path: %s}
        steps:
          - tokenize: {tokenizer: %s, template: qwen3, max_length: 64}
          - filter: {name: turns, max_turns: 6}
        output: {path: %s}
        """.formatted(data, tokenizer, dir.resolve("c")));
    assertThatThrownBy(() -> Pipeline.compile(PipelineSpec.read(yaml)))
        .hasMessageContaining("c.yaml:3 steps[0].tokenize: tokenize must be the last step");
  }

  @Test
  void withoutATemplateTheTokenizerFoldersChatTemplateIsUsed() throws Exception {
    Path qwen3 = TestData.file("tokenizers/qwen3");
    Path mistral = TestData.file("tokenizers/mistral_v1");
    Path yaml = dir.resolve("e.yaml");
    Files.writeString(yaml, """
        input: {path: %s}
        steps:
          - tokenize: {tokenizer: %s, max_length: 64}
        output: {path: %s}
        """.formatted(data, qwen3, dir.resolve("e")));
    Pipeline p = Pipeline.compile(PipelineSpec.read(yaml));
    TokenizeStep step = (TokenizeStep) p.steps().get(p.steps().size() - 1);
    assertThat(step.config().template()).isEqualTo(qwen3.resolve("tokenizer_config.json")
        .toString());
    Files.writeString(yaml, """
        input: {path: %s}
        steps:
          - tokenize: {tokenizer: %s, max_length: 64}
        output: {path: %s}
        """.formatted(data, mistral, dir.resolve("e")));
    assertThatThrownBy(() -> Pipeline.compile(PipelineSpec.read(yaml)))
        .hasMessageContaining("e.yaml:3 steps[0].tokenize.template: no chat template");
  }

  @Test
  @SuppressWarnings("unchecked")
  void theTokenizeExampleLosesNoToolRows() throws Exception {
    // With template: qwen3 (the built-in, which cannot write tools) it dropped every tool row.
    Path tokenizers = TestData.file("tokenizers/qwen3").getParent();
    String yaml = Files.readString(Path.of("../examples/tokenize.yaml"))
        .replace("../refinery-demo/tokenized", dir.resolve("out").toString())
        .replace("../refinery-demo/data", data.toString())
        .replace("../testdata/tokenizers", tokenizers.toString());
    Path file = dir.resolve("tokenize.yaml");
    Files.writeString(file, yaml);
    Runner.Result r = Runner.local().run(Pipeline.compile(PipelineSpec.read(file)),
        options(false));
    assertThat(r.conserved()).isTrue();
    StepStats tokenize = r.steps().get(r.steps().size() - 1);
    assertThat(tokenize.dropped()).doesNotContainKey("template_error");
    Map<String, Object> stats = json(dir.resolve("out/tokenized/tokens.stats.json"));
    Map<String, Object> tools = (Map<String, Object>) ((Map<String, Object>)
        stats.get("by_category")).get("tool_calling");
    assertThat(tools).isNotNull();
    assertThat((Long) tools.get("written")).isPositive().isEqualTo(tools.get("read"));
  }

  @Test
  void aToolCallTheTemplateCannotWriteIsDroppedNamingTheCall() throws Exception {
    // Llama 3.0's own template would write the call turn as "None<|eot_id|>".
    Path in = dir.resolve("tools.jsonl");
    Files.write(in, List.of("{\"uuid\": \"call\", \"messages\": [{\"role\": \"user\", "
        + "\"content\": \"w?\"}, {\"role\": \"assistant\", \"content\": \"\", "
        + "\"tool_calls\": [{\"id\": \"c\", \"type\": \"function\", \"function\": "
        + "{\"name\": \"weather\", \"arguments\": \"{}\"}}]}]}",
        "{\"uuid\": \"plain\", \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}, "
        + "{\"role\": \"assistant\", \"content\": \"Hello\"}]}"));
    Path yaml = dir.resolve("l.yaml");
    Files.writeString(yaml, """
        input: {path: %s}
        steps:
          - tokenize: {tokenizer: %s, max_length: 64}
        output: {path: %s, format: jsonl}
        keep_dropped: true
        """.formatted(in, TestData.file("tokenizers/llama3"), dir.resolve("l")));
    Runner.Result r = Runner.local().run(Pipeline.compile(PipelineSpec.read(yaml)),
        options(false));
    assertThat(r.conserved()).isTrue();
    StepStats tokenize = r.steps().get(r.steps().size() - 1);
    assertThat(tokenize.dropped()).containsExactly(Map.entry("template_error", 1L));
    assertThat(r.written()).isEqualTo(1);
    StringBuilder rejects = new StringBuilder();
    try (Stream<Path> files = Files.list(dir.resolve("l/rejects"))) {
      for (Path f : files.toList()) {
        rejects.append(Files.readString(f));
      }
    }
    assertThat(rejects.toString()).contains("\"uuid\":\"call\"")
        .contains("message 1 calls tools, which this template does not write");
  }

  @Test
  void stepSerializesAndOpensItsTokenizerWhereItRuns() throws Exception {
    Pipeline p = Pipeline.compile(spec("d", "max_length: 128, format: jsonl"));
    Object step = p.steps().get(p.steps().size() - 1);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(step);
    }
    TokenizeStep back;
    try (ObjectInputStream in = new ObjectInputStream(
        new ByteArrayInputStream(bytes.toByteArray()))) {
      back = (TokenizeStep) in.readObject();
    }
    assertThat(back.config()).isEqualTo(((TokenizeStep) step).config());
    assertThat(back.opened().tokenizer().vocabSize()).isGreaterThan(150_000);
  }

  @Test
  void resumeAfterACrashWritesTheSameTokenizedBytes() throws Exception {
    String params = "max_length: 1024, pack: true, overflow: truncate, format: megatron";
    Runner.local().run(Pipeline.compile(spec("e1", params)), options(false));

    PipelineSpec crashing = spec("e2", params);
    Pipeline compiled = Pipeline.compile(crashing);
    List<Step> steps = new ArrayList<>(compiled.steps());
    steps.set(1, new CrashAt((MapStep) steps.get(1), 3));
    assertThatThrownBy(() -> Runner.local().run(new Pipeline(crashing, steps), options(false)))
        .hasMessageContaining("crash");
    assertThat(dir.resolve("e2/tokenized")).doesNotExist();
    Runner.Result resumed = Runner.local().run(compiled, options(true));
    assertThat(resumed.conserved()).isTrue();
    for (String f : List.of("tokens.bin", "tokens.idx", "tokens.stats.json")) {
      assertThat(Files.readAllBytes(dir.resolve("e2/tokenized").resolve(f))).as(f)
          .isEqualTo(Files.readAllBytes(dir.resolve("e1/tokenized").resolve(f)));
    }
  }

  /** The same step, except that it throws in partition {@code partition}. */
  private record CrashAt(MapStep step, int partition) implements MapStep {
    @Override
    public String name() {
      return step.name();
    }

    @Override
    public Iterator<Sample> apply(Iterator<Sample> samples, StepContext context) {
      if (context.partition() == partition) {
        throw new IllegalStateException("crash in partition " + partition);
      }
      return step.apply(samples, context);
    }
  }
}
