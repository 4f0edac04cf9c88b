package dev.refinery.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.refinery.TestData;
import dev.refinery.demo.SampleData;
import dev.refinery.format.Formats;
import dev.refinery.generate.FakeChatServer;
import dev.refinery.generate.ReasoningMode;
import dev.refinery.mix.BlendPlan;
import dev.refinery.mix.Interleave;
import dev.refinery.mix.ShardAssigner;
import dev.refinery.mix.SplitKey;
import dev.refinery.mix.StableSplit;
import dev.refinery.run.Runner;
import dev.refinery.run.SameOutputs;
import dev.refinery.run.SinkInput;
import dev.refinery.template.OutputShape;
import dev.refinery.template.RenderOptions;
import dev.refinery.template.Templates;
import dev.refinery.template.prompt.PromptOptions;
import dev.refinery.tokenize.LengthPolicy;
import dev.refinery.tokenize.TokenCounter;
import dev.refinery.tokenize.TokenizedFormat;
import dev.refinery.tokenize.Tokenizer;
import dev.refinery.tokenize.Tokenizers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every command's canned pipeline, built as its CLI command builds it, writes LocalRunner's files
 * under {@link ShuffledRunner} (three shuffle seeds each, {@link SameOutputs}).
 *
 * <p>A command ported to the one runner gets one method here: build the {@link Pipeline#canned}
 * its command class builds, from the same input, steps, sink and seed, with every output (the
 * output file or folder, a rejects file) under {@link #out()}, and hand it to {@link #same}:
 *
 * <pre>{@code
 * @Test
 * void shuffle() {
 *   same(Pipeline.canned(new PipelineSpec.Input(data, "auto", List.of(), null, "shuffle IN"),
 *       List.of(CommandSteps.shuffle(...)), Sinks.shards(out().resolve("shuffled"), ...), 7,
 *       "refinery shuffle"));
 * }
 * }</pre>
 *
 * <p>{@link #data} is 900 demo rows in 6 Parquet files; a test that wants JSON Lines read in
 * byte ranges, bad records and rows a layout cannot hold writes {@link #writeMessyOpenAi}.
 */
public class ShuffledCommandsTest {
  @TempDir static Path shared;
  static Path data;

  @TempDir Path dir;

  @BeforeAll
  static void dataset() {
    data = shared.resolve("in");
    SampleData.write(data, SampleData.Spec.of(900, 13).withShardRows(150));
  }

  private Path out() {
    return dir.resolve("out");
  }

  private Runner.Result same(Pipeline pipeline) {
    return SameOutputs.assertSameFiles(pipeline, out(), dir.resolve("scratch"));
  }

  /** As {@code refinery convert [--from FROM] --to TO IN OUT [--rejects R]} builds it. */
  private static Pipeline convert(Path in, String from, String to, Path out, Path rejects) {
    return Pipeline.canned(new PipelineSpec.Input(in, from, List.of(), null, "convert IN"),
        List.of(CommandSteps.contentUuid()), Sinks.file(out, Formats.byName(to), rejects), 0,
        "refinery convert");
  }

  /**
   * Writes {@code rows} OpenAI-layout JSON lines without uuids: some undecodable, some with tool
   * calls (which alpaca cannot hold), answers repeating every 50 rows; returns the bad ones.
   */
  public static int writeMessyOpenAi(Path file, int rows) throws IOException {
    StringBuilder lines = new StringBuilder();
    int bad = 0;
    for (int i = 0; i < rows; i++) {
      bad += i % 37 == 5 || i % 23 == 7 ? 1 : 0;
      if (i % 37 == 5) {
        lines.append("{\"messages\": [oops ").append(i).append('\n');
      } else if (i % 23 == 7) {
        lines.append("{\"messages\": [{\"role\": \"user\", \"content\": \"weather ").append(i)
            .append("?\"}, {\"role\": \"assistant\", \"content\": null, \"tool_calls\": "
                + "[{\"id\": \"c1\", \"type\": \"function\", \"function\": {\"name\": \"w\", "
                + "\"arguments\": \"{}\"}}]}]}\n");
      } else {
        lines.append("{\"messages\": [{\"role\": \"user\", \"content\": \"what is ").append(i)
            .append(" + ").append(i % 11).append("?\"}, {\"role\": \"assistant\", \"content\": \"")
            .append(i % 50).append(", since adding ").append(i % 11).append(" to ")
            .append(i % 50).append(" gives it.\"}]}\n");
      }
    }
    Files.writeString(file, lines.toString());
    return bad;
  }

  @ParameterizedTest
  @CsvSource({"nemotron, all.jsonl", "sharegpt, all.parquet", "openai, all.jsonl.zst",
      "nemotron, all.json"})
  void convert(String to, String file) {
    Runner.Result r = same(convert(data, "auto", to, out().resolve(file), null));
    assertThat(r.written()).isEqualTo(900);
  }

  /** Public imports: a JSON array with tool calls (README's example), reasoning rows in JSONL. */
  @ParameterizedTest
  @CsvSource({"llamafactory-demo/glaive_toolcall_en_demo.json, nemotron, glaive.jsonl",
      "llamafactory-demo/glaive_toolcall_en_demo.json, openai, glaive.parquet",
      "llamafactory-demo/reason_tool_use_demo_50.jsonl, nemotron, reason.parquet"})
  void convertPublicData(String in, String to, String file) {
    Path rejects = out().resolve("rejects.jsonl");
    Runner.Result r = same(convert(TestData.file(in), "auto", to, out().resolve(file),
        rejects));
    assertThat(r.written()).isPositive();
  }

  /** The harness itself: a sink whose bytes tell how the rows were cut is caught. */
  @Test
  void aSinkThatDependsOnPartitionsIsCaught() {
    Path file = out().resolve("sizes.txt");
    Sink sizes = new Sink() {
      @Override
      public Path runFolder() {
        return Sinks.runFolderOf(file);
      }

      @Override
      public Map<String, Object> describe() {
        return Map.of("kind", "sizes");
      }

      @Override
      public boolean clearsEarlierRun() {
        return true;
      }

      @Override
      public List<Path> write(SinkInput in) {
        try {
          Files.writeString(file, Arrays.toString(in.rows()));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        return List.of(file);
      }
    };
    Pipeline pipeline = Pipeline.canned(
        new PipelineSpec.Input(data, "auto", List.of(), null, "test IN"), List.of(), sizes, 0,
        "test");
    assertThatThrownBy(() -> same(pipeline)).isInstanceOf(AssertionError.class)
        .hasMessageContaining("sizes.txt, shuffle seed 1");
  }

  /**
   * JSON Lines the shuffled runner reads in byte ranges: undecodable lines and rows alpaca cannot
   * hold go to --rejects, the rest get content uuids.
   */
  @Test
  void convertWithRejects() throws IOException {
    Path in = dir.resolve("openai.jsonl");
    int bad = writeMessyOpenAi(in, 600);
    Path rejects = out().resolve("bad.jsonl");
    Runner.Result r = same(convert(in, "openai", "alpaca", out().resolve("alpaca.jsonl"),
        rejects));
    assertThat(r.rejected()).isEqualTo(bad);
    assertThat(rejects).isNotEmptyFile();
  }

  private static PipelineSpec.Input input(Path in, String where) {
    return new PipelineSpec.Input(in, "auto", List.of(), null, where);
  }

  /** As {@code refinery shuffle IN OUT --seed 7 --memory-mb 1} builds it (spills several runs). */
  @Test
  void shuffle() {
    Runner.Result r = same(Pipeline.canned(input(data, "shuffle PATH"), List.of(),
        Sinks.shuffledFile(out().resolve("shuffled.parquet"), Formats.nemotron(), null, 1 << 20),
        7, "refinery shuffle"));
    assertThat(r.written()).isEqualTo(900);
  }

  /** As {@code refinery format IN OUT --shape text --template chatml --prompt-template auto}. */
  @Test
  void format() {
    PromptOptions prepare = PromptOptions.parse("auto", null, "detailed-thinking");
    Map<String, Object> settings = new java.util.LinkedHashMap<>();
    settings.put("template", "chatml");
    settings.put("prompt_template", "auto");
    Runner.Result r = same(Pipeline.canned(input(data, "format PATH"),
        List.of(CommandSteps.contentUuid(), CommandSteps.preparePrompts(prepare)),
        Sinks.rendered(out().resolve("text.jsonl"), OutputShape.TEXT, Templates.builtIn("chatml"),
            settings, RenderOptions.DEFAULT, out().resolve("rejects.jsonl")),
        0, "refinery format"));
    assertThat(r.written()).isPositive();
  }

  /** As {@code refinery split IN OUTDIR --fractions train=0.8,validation=0.1,test=0.1}. */
  @Test
  void split() {
    StableSplit split = StableSplit.of(StableSplit.parseFractions(
        "train=0.8,validation=0.1,test=0.1"), "");
    SplitKey key = SplitKey.parse("prompt");
    Runner.Result r = same(Pipeline.canned(input(data, "split PATH"),
        List.of(CommandSteps.split(split, key)),
        Sinks.split(out().resolve("splits"), split.names(), "parquet", Formats.nemotron(),
            key.describe(), null), 0, "refinery split"));
    assertThat(r.written()).isEqualTo(900);
  }

  /** As {@code refinery shard IN OUTDIR --world-size 5 [--strided | --by tokens]}. */
  @ParameterizedTest
  @CsvSource({"ROWS, false", "ROWS, true", "TOKENS, false"})
  void shard(ShardAssigner.By by, boolean strided) {
    TokenCounter tokens = by == ShardAssigner.By.TOKENS
        ? new TokenCounter(Tokenizers.open("cl100k_base"), null) : null;
    Runner.Result r = same(Pipeline.canned(input(data, "shard PATH"), List.of(),
        Sinks.shard(out().resolve("shards"), 5, by, strided, "parquet", Formats.nemotron(),
            tokens, tokens == null ? null : "cl100k_base (message texts)", null, sizes -> { }),
        0, "refinery shard"));
    assertThat(r.written()).isEqualTo(900);
  }

  /** Two named sources, the second by categories, as {@code refinery blend} builds them. */
  private static PipelineSpec.Input sources() {
    return PipelineSpec.Input.of(List.of(
        new PipelineSpec.Source("mc", data, List.of("math", "code"), "auto", null, "--source"),
        new PipelineSpec.Source("rest", data, List.of(), "auto", null, "--source")), "--source");
  }

  /** As {@code refinery blend --source mc=IN:math,code --source rest=IN:chat,stem ...}. */
  @ParameterizedTest
  @CsvSource({"true, SAMPLES", "false, SAMPLES", "true, TOKENS"})
  void blend(boolean shuffle, BlendPlan.Unit unit) {
    PipelineSpec.Input input = sources();
    List<Map<String, Object>> described = List.of(Map.of("path", "mc"), Map.of("path", "rest"));
    Step categories = CommandSteps.sourceCategories(input,
        Map.of("rest", java.util.Set.of("chat", "stem")));
    Step blend = CommandSteps.blend(input, Map.of("mc", 0.6, "rest", 0.4), unit,
        unit == BlendPlan.Unit.SAMPLES ? 1500 : 200_000,
        unit == BlendPlan.Unit.SAMPLES ? null : "cl100k_base", null, described);
    Runner.Result r = same(Pipeline.canned(input, List.of(categories, blend),
        Sinks.mixture(out().resolve("mix"), "parquet", 3, shuffle, 1 << 20, null), 11,
        "refinery blend"));
    assertThat(r.written()).isPositive();
  }

  /** As {@code refinery interleave} builds it: taking turns, and by probabilities. */
  @ParameterizedTest
  @CsvSource({"false, FIRST_EXHAUSTED", "false, ALL_EXHAUSTED", "true, ALL_EXHAUSTED"})
  void interleave(boolean probabilities, Interleave.Stopping stopping) {
    PipelineSpec.Input input = sources();
    Step interleave = CommandSteps.interleave(input,
        probabilities ? new double[] {0.3, 0.7} : null, stopping,
        List.of(Map.of("path", "mc"), Map.of("path", "rest")));
    Runner.Result r = same(Pipeline.canned(input, List.of(interleave),
        Sinks.interleaved(out().resolve("interleaved"), "jsonl", 2, interleave, null), 5,
        "refinery interleave"));
    assertThat(r.written()).isPositive();
  }

  /** As {@code refinery tokenize} builds it: packed Megatron, and JSONL with labels. */
  @ParameterizedTest
  @CsvSource({"MEGATRON, true, tokens", "JSONL, false, tokens.jsonl"})
  void tokenize(TokenizedFormat format, boolean pack, String file) {
    Path tokenizer = TestData.file("tokenizers/qwen3");
    try (Tokenizer tok = Tokenizers.open(tokenizer.toString())) {
      TokenizeConfig config = new TokenizeConfig(tokenizer.toString(), "qwen3", "keep",
          "assistant", "all", 512, LengthPolicy.TRUNCATE, pack, 40, format, !pack, false, false);
      Step step = CommandSteps.tokenize(config, tok);
      TokenizedSink sink = Sinks.tokenized(step, out().resolve(file),
          out().resolve("tokens.stats.json"), out().resolve("rejects.jsonl"),
          Map.of("tokenizer", "qwen3"), Map.of());
      Runner.Result r = same(Pipeline.canned(input(data, "tokenize IN"),
          List.of(CommandSteps.preparePrompts(PromptOptions.parse("auto", null, "none")), step),
          sink, 0, "refinery tokenize"));
      assertThat(r.written()).isPositive();
    }
  }

  /**
   * As {@code refinery generate --n 2 --reasoning both} builds it: rows and failures in input
   * order, whatever order the requests were answered in (the server fails some prompts).
   */
  @Test
  void generate() throws IOException {
    StringBuilder prompts = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      prompts.append("{\"prompt\": \"What is ").append(i).append(" * ").append(i % 9)
          .append("?\"}\n");
    }
    Path in = dir.resolve("prompts.jsonl");
    Files.writeString(in, prompts.toString());
    try (FakeChatServer server = new FakeChatServer()) {
      server.otherwise(exchange -> {
        String body = FakeChatServer.requestBody(exchange);
        int h = Math.floorMod(body.hashCode(), 1000);
        (body.contains("What is 7 ") ? FakeChatServer.status(400, "{\"error\": \"no\"}")
            : FakeChatServer.ok(FakeChatServer.completion("It is " + h, null))).answer(exchange);
      });
      Path folder = out().resolve("generated");
      CommandSteps.Generate generate = CommandSteps.generate(new CommandSteps.GenerateSettings(
          server.baseUrl(), "m", "NONE",
          ReasoningMode.parse("qwen3", "both"), 2, 4, null, null, null, 3L, Map.of(),
          java.time.Duration.ofSeconds(30), 1, false, 0.9, 0, 0), folder);
      Map<String, Object> settings = new java.util.LinkedHashMap<>();
      settings.put("model", "m");
      Runner.Result r = same(Pipeline.canned(
          new PipelineSpec.Input(in, "auto", List.of(), null, "generate --prompts"),
          List.of(CommandSteps.contentUuid(), generate.step()),
          Sinks.generated(folder, true, settings), 0, "refinery generate"));
      assertThat(r.written()).isPositive();
      assertThat(folder.resolve("failures.jsonl")).isNotEmptyFile();
    }
  }
}
