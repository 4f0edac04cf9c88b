package dev.refinery.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.refinery.RefineryException;
import dev.refinery.TestData;
import dev.refinery.dataset.RejectHandler;
import dev.refinery.dataset.SampleReader;
import dev.refinery.demo.SampleData;
import dev.refinery.format.Formats;
import dev.refinery.internal.Json;
import dev.refinery.io.InputFile;
import dev.refinery.io.Inputs;
import dev.refinery.run.Runner;
import dev.refinery.sample.Sample;
import dev.refinery.tokenize.TokenCounter;
import dev.refinery.tokenize.Tokenizer;
import dev.refinery.tokenize.Tokenizers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The blend step in real YAML runs on the demo data (and the real Qwen3 tokenizer). */
class BlendStepTest {
  @TempDir static Path shared;
  static Path data;

  @TempDir Path dir;

  @BeforeAll
  static void dataset() {
    data = shared.resolve("in");
    SampleData.write(data, SampleData.Spec.of(1500, 7).withShardRows(120));
  }

  private static final String SHARES = "{by: category, weights: {math: 0.4, code: 0.3, "
      + "stem: 0.2, chat: 0.1}, total_samples: 1000}";

  private PipelineSpec spec(String name, String blend, String after, long seed) throws Exception {
    Path yaml = dir.resolve(name + ".yaml");
    Files.writeString(yaml, """
        input: {path: %s}
        steps:
          - blend: %s
        %s
        output: {path: %s, format: jsonl, shards: 3}
        seed: %d
        """.formatted(data, blend, after, dir.resolve(name), seed));
    return PipelineSpec.read(yaml);
  }

  private static Runner.Options options(int workers, boolean resume) {
    return new Runner.Options(workers, resume, Runner.Progress.NONE);
  }

  private List<Sample> output(String name) {
    List<Sample> out = new ArrayList<>();
    for (InputFile f : Inputs.resolve(dir.resolve(name).resolve("data").toString())) {
      try (SampleReader r = SampleReader.open(f, Formats.nemotron(), RejectHandler.FAIL)) {
        r.forEachRemaining(out::add);
      }
    }
    return out;
  }

  private static Map<String, Long> byCategory(List<Sample> samples) {
    Map<String, Long> counts = new TreeMap<>();
    samples.forEach(s -> counts.merge(s.category(), 1L, Long::sum));
    return counts;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> json(Path file) throws Exception {
    return (Map<String, Object>) Json.parse(Files.readString(file));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Map<String, Object>> groups(Map<String, Object> manifest) {
    Map<String, Map<String, Object>> out = new TreeMap<>();
    for (Object o : (List<Object>) manifest.get("groups")) {
      Map<String, Object> g = (Map<String, Object>) o;
      out.put((String) g.get("group"), g);
    }
    return out;
  }

  @Test
  void samplesAreMixedToTheRequestedSharesAndEveryRowIsAccountedFor() throws Exception {
    Runner.Result r = Runner.local().run(Pipeline.compile(spec("a", SHARES, "", 1)),
        options(2, false));

    assertThat(r.written()).isEqualTo(1000);
    assertThat(byCategory(output("a"))).containsExactlyInAnyOrderEntriesOf(Map.of(
        "math", 400L, "code", 300L, "stem", 200L, "chat", 100L));
    StepStats blend = r.steps().get(0);
    assertThat(blend.name()).isEqualTo("blend@category");
    assertThat(blend.dropped()).containsKeys(BlendStep.NOT_IN_BLEND, BlendStep.DOWNSAMPLED);
    // The demo has fewer than 400 math rows, so some are repeated; stem is down-sampled.
    assertThat(r.repeated()).isPositive().isEqualTo(blend.repeated());
    assertThat(blend.out()).isEqualTo(blend.in() - blend.droppedTotal() + blend.repeated());
    assertThat(r.conserved()).isTrue();
    assertThat(r.read() + r.repeated()).isEqualTo(r.written() + r.dropped() + r.rejected());

    Path run = dir.resolve("a");
    Map<String, Object> stats = json(run.resolve("stats.json"));
    assertThat(stats).containsEntry("repeated", r.repeated()).containsEntry("conserved", true);
    assertThat(Files.readString(run.resolve("run.log")))
        .contains("+ repeated " + String.format(java.util.Locale.ROOT, "%,d", r.repeated()));

    Map<String, Object> manifest = json(run.resolve(BlendStep.MANIFEST));
    assertThat(manifest).containsEntry("seed", 1L).containsEntry("unit", "samples")
        .containsEntry("realized_samples", 1000L).containsEntry("all_within_tolerance", true);
    assertThat(manifest.get(BlendStep.NOT_IN_BLEND)).isEqualTo(Map.of("tool_calling",
        blend.dropped().get(BlendStep.NOT_IN_BLEND)));
    Map<String, Map<String, Object>> groups = groups(manifest);
    assertThat(groups.get("math")).containsEntry("realized_samples", 400L)
        .containsEntry("within_tolerance", true);
    assertThat((Double) groups.get("math").get("requested_share"))
        .isCloseTo(0.4, org.assertj.core.data.Offset.offset(1e-12));
    long mathRows = (Long) groups.get("math").get("available_samples");
    assertThat(groups.get("math").get("epochs")).isEqualTo(400L / mathRows);
    assertThat(groups.get("stem")).containsEntry("epochs", 0L)
        .containsEntry("sampling", "down-sampled without replacement");
  }

  @Test
  void sameSeedGivesTheSameBytesWithAnyWorkersAndAnotherSeedAnotherMixture() throws Exception {
    Runner.local().run(Pipeline.compile(spec("b1", SHARES, "", 5)), options(2, false));
    Runner.local().run(Pipeline.compile(spec("b2", SHARES, "", 5)), options(1, false));
    Runner.local().run(Pipeline.compile(spec("b3", SHARES, "", 6)), options(2, false));
    Runner.local().run(Pipeline.compile(spec("b4", SHARES, "", 5)), options(4, false));
    boolean anyDiffers = false;
    for (int s = 0; s < 3; s++) {
      String shard = "data/train-%05d-of-00003.jsonl".formatted(s);
      byte[] one = Files.readAllBytes(dir.resolve("b1").resolve(shard));
      assertThat(Files.readAllBytes(dir.resolve("b2").resolve(shard))).isEqualTo(one);
      assertThat(Files.readAllBytes(dir.resolve("b4").resolve(shard))).isEqualTo(one);
      anyDiffers |= !java.util.Arrays.equals(one,
          Files.readAllBytes(dir.resolve("b3").resolve(shard)));
    }
    assertThat(anyDiffers).as("seed 6 draws other rows than seed 5").isTrue();
    assertThat(Files.readString(dir.resolve("b2").resolve(BlendStep.MANIFEST)))
        .isEqualTo(Files.readString(dir.resolve("b1").resolve(BlendStep.MANIFEST)));
    // Same shares either way: the seed changes which rows, not how many.
    assertThat(byCategory(output("b3"))).isEqualTo(byCategory(output("b1")));
  }

  @Test
  void tokensAreMixedToTheRequestedSharesAndTheManifestCountsThem() throws Exception {
    Path tokenizer = TestData.file("tokenizers/qwen3/tokenizer.json");
    String blend = "{weights: {math: 3, code: 1}, total_tokens: 400000, tokenizer: "
        + dir.relativize(tokenizer.getParent()) + "}";
    Runner.Result r = Runner.local().run(Pipeline.compile(spec("t", blend, "", 3)),
        options(2, false));
    assertThat(r.conserved()).isTrue();

    Map<String, Object> manifest = json(dir.resolve("t").resolve(BlendStep.MANIFEST));
    assertThat(manifest).containsEntry("unit", "tokens")
        .containsEntry("tokens_counted", "message texts");
    Map<String, Map<String, Object>> groups = groups(manifest);
    // What the manifest claims is what the shards hold, counted again here.
    Map<String, Long> tokens = new TreeMap<>();
    try (Tokenizer tok = Tokenizers.open(tokenizer.getParent().toString())) {
      TokenCounter counter = new TokenCounter(tok, null);
      for (Sample s : output("t")) {
        tokens.merge(s.category(), (long) counter.count(s), Long::sum);
      }
    }
    assertThat(tokens).containsOnlyKeys("math", "code");
    long all = tokens.values().stream().mapToLong(Long::longValue).sum();
    assertThat(manifest.get("realized_tokens")).isEqualTo(all);
    for (String g : List.of("math", "code")) {
      assertThat(groups.get(g).get("realized_tokens")).isEqualTo(tokens.get(g));
      double share = (double) tokens.get(g) / all;
      double asked = (Double) groups.get(g).get("requested_share");
      assertThat(Math.abs(share - asked)).as(g).isLessThanOrEqualTo(0.005 * asked);
      assertThat(groups.get(g)).containsEntry("within_tolerance", true);
    }
    assertThat(Math.abs(all - 400_000)).isLessThan(400_000 / 100);
  }

  @Test
  void moreEpochsThanSupportedFailNamingTheStep() throws Exception {
    assertThatThrownBy(() -> Runner.local().run(Pipeline.compile(spec("e",
        "{weights: {chat: 1}, total_samples: 1000000}", "", 1)), options(2, false)))
        .isInstanceOf(RefineryException.class)
        .hasMessageStartingWith(dir.resolve("e.yaml") + ":3 steps[0].blend: ")
        .hasMessageContaining("source 'chat' would be repeated");
    assertThat(dir.resolve("e/data")).doesNotExist();
  }

  @Test
  void rowsTheTemplateCannotRenderAreDroppedWithAReasonAndCounted() throws Exception {
    Path tokenizer = TestData.file("tokenizers/qwen3/tokenizer.json");
    // Qwen3's template refuses the demo's tool_calling rows (and planted broken rows): a group
    // with rows but none countable is named as such.
    assertThatThrownBy(() -> Runner.local().run(Pipeline.compile(spec("v", "{weights: {math: 1, "
        + "tool_calling: 1}, total_tokens: 1000, tokenizer: " + tokenizer + ", template: qwen3}",
        "", 2)), options(2, false)))
        .hasMessageStartingWith(dir.resolve("v.yaml") + ":3 steps[0].blend.weights: no rows of "
            + "category 'tool_calling' reach the blend (")
        .hasMessageContaining("the template cannot render them")
        .hasMessageContaining("present: chat, code, stem");

    // Mistral's template refuses some stem rows (a system turn, roles out of order).
    String blend = "{weights: {math: 1, stem: 1, code: 1}, "
        + "total_tokens: 300000, tokenizer: " + tokenizer + ", template: mistral}";
    Runner.Result r = Runner.local().run(Pipeline.compile(spec("u", blend, "", 2)),
        options(2, false));
    assertThat(r.conserved()).isTrue();
    Long uncountable = r.steps().get(0).dropped().get(BlendStep.UNCOUNTABLE);
    assertThat(uncountable).isPositive();
    Map<String, Object> manifest = json(dir.resolve("u").resolve(BlendStep.MANIFEST));
    assertThat(manifest).containsEntry(BlendStep.UNCOUNTABLE, uncountable)
        .containsEntry("tokens_counted", "rendered with mistral")
        .containsEntry("all_within_tolerance", true);
    long perGroup = groups(manifest).values().stream()
        .mapToLong(g -> (Long) g.getOrDefault(BlendStep.UNCOUNTABLE, 0L)).sum();
    assertThat(perGroup).isEqualTo(uncountable);
  }

  @Test
  void sharesOutOfReachOfWholeRowsAreFlaggedInTheManifest() throws Exception {
    // A thousand tokens split in two: rows of hundreds of tokens cannot hit 50% to 0.5%.
    Path tokenizer = TestData.file("tokenizers/qwen3/tokenizer.json");
    String blend = "{weights: {math: 1, code: 1}, total_tokens: 1000, tokenizer: "
        + dir.relativize(tokenizer) + "}";
    Runner.Result r = Runner.local().run(Pipeline.compile(spec("f", blend, "", 2)),
        options(2, false));
    assertThat(r.conserved()).isTrue();
    Map<String, Object> manifest = json(dir.resolve("f").resolve(BlendStep.MANIFEST));
    assertThat(manifest).containsEntry("all_within_tolerance", false);
    assertThat(groups(manifest).values()).anySatisfy(g -> assertThat(g)
        .containsEntry("within_tolerance", false)
        .hasEntrySatisfying("note", n -> assertThat((String) n).contains("too few or too coarse")));
  }

  @Test
  void aWeightedGroupWithNoRowsFailsNamingItBeforeAnyOutput() throws Exception {
    assertThatThrownBy(() -> Runner.local().run(Pipeline.compile(spec("g",
        "{weights: {math: 1, poetry: 2, cooking: 1}, total_samples: 100}", "", 1)),
        options(2, false)))
        .isInstanceOf(RefineryException.class)
        .hasMessageStartingWith(dir.resolve("g.yaml") + ":3 steps[0].blend.weights: ")
        .hasMessageContaining("'poetry', 'cooking'")
        .hasMessageContaining("chat, code, stem, tool_calling");
    assertThat(dir.resolve("g/data")).doesNotExist();
    assertThat(dir.resolve("g").resolve(BlendStep.MANIFEST)).doesNotExist();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{weights: {math: x}, total_samples: 10}|steps[0].blend.weights.math: expected a number",
      "{weights: [1, 2], total_samples: 10}|steps[0].blend.weights: expected a map of numbers",
      "{weights: {math: -1, code: 2}, total_samples: 10}|steps[0].blend.weights.math: expected "
          + "a number >= 0, got -1",
      "{weights: {math: 0, code: 0}, total_samples: 10}|steps[0].blend.weights: the weights sum "
          + "to 0",
      "{weights: {}, total_samples: 10}|steps[0].blend.weights: give at least one",
      "{weights: {math: 1}}|steps[0].blend: give exactly one of total_samples and total_tokens",
      "{weights: {math: 1}, total_samples: 5, total_tokens: 9}|steps[0].blend: give exactly one",
      "{weights: {math: 1}, total_samples: -5}|steps[0].blend.total_samples: expected an "
          + "integer >= 0, got -5",
      "{weights: {math: 1}, total_tokens: 100}|steps[0].blend.total_tokens: blending by tokens "
          + "needs tokenizer",
      "{weights: {math: 1}, total_samples: 10, tokenizer: nowhere/}|steps[0].blend.tokenizer: "
          + "tokenizer not found",
      "{weights: {math: 1}, total_samples: 10, by: split}|steps[0].blend.by: 'split' is not one "
          + "of category",
      "{weights: {math: 1}, total_samples: 10, ratio: 2}|steps[0].blend.ratio: unknown "
          + "parameter 'ratio'",
  })
  void badYamlFailsBeforeAnyWorkNamingTheLineAndKey(String blend, String message)
      throws Exception {
    PipelineSpec spec = spec("y", blend, "", 1);
    assertThatThrownBy(() -> Pipeline.compile(spec))
        .isInstanceOf(RefineryException.class)
        .hasMessageStartingWith(dir.resolve("y.yaml") + ":3 " + message);
    assertThat(dir.resolve("y")).doesNotExist();
  }

  @Test
  void twoBlendsInOnePipelineAreRefused() throws Exception {
    PipelineSpec spec = spec("two", SHARES, "  - blend: " + SHARES, 1);
    assertThatThrownBy(() -> Pipeline.compile(spec))
        .hasMessageStartingWith(dir.resolve("two.yaml") + ":4 steps[1].blend: ")
        .hasMessageContaining("blends once");
  }

  @Test
  void resumeAfterACrashAfterTheBlendEndsWithTheSameOutput() throws Exception {
    String after = "  - filter: {name: turns, max_turns: 6}";
    Runner.local().run(Pipeline.compile(spec("c1", SHARES, after, 9)), options(2, false));

    PipelineSpec crashing = spec("c2", SHARES, after, 9);
    Pipeline compiled = Pipeline.compile(crashing);
    List<Step> steps = new ArrayList<>(compiled.steps());
    steps.set(1, new CrashAt((MapStep) steps.get(1), 4));
    assertThatThrownBy(() -> Runner.local().run(new Pipeline(crashing, steps), options(2, false)))
        .hasMessageContaining("crash");
    assertThat(dir.resolve("c2/.work")).exists();

    Runner.Result resumed = Runner.local().run(compiled, options(2, true));
    assertThat(resumed.conserved()).isTrue();
    assertThat(resumed.repeated()).isPositive();
    for (int s = 0; s < 3; s++) {
      String shard = "data/train-%05d-of-00003.jsonl".formatted(s);
      assertThat(Files.readAllBytes(dir.resolve("c2").resolve(shard)))
          .isEqualTo(Files.readAllBytes(dir.resolve("c1").resolve(shard)));
    }
    assertThat(Files.readString(dir.resolve("c2").resolve(BlendStep.MANIFEST)))
        .isEqualTo(Files.readString(dir.resolve("c1").resolve(BlendStep.MANIFEST)));
    assertThat(withoutTimings(Files.readString(dir.resolve("c2/stats.json"))))
        .isEqualTo(withoutTimings(Files.readString(dir.resolve("c1/stats.json"))));
  }

  @Test
  void theStepSerializesAndCountsRenderedTokensWhereItRuns() throws Exception {
    Path tokenizer = TestData.file("tokenizers/qwen3/tokenizer.json");
    Pipeline compiled = Pipeline.compile(spec("s", "{weights: {math: 1}, total_samples: 10, "
        + "tokenizer: " + tokenizer + ", template: qwen3}", "", 1));
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
      out.writeObject(compiled.steps().get(0));
    }
    BlendStep copy;
    try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(
        new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (BlendStep) in.readObject();
    }
    List<Sample> samples = new ArrayList<>();
    InputFile first = Inputs.resolve(data.toString()).stream()
        .filter(f -> "math".equals(f.split())).findFirst().orElseThrow();
    try (SampleReader r = SampleReader.open(first, Formats.nemotron(), RejectHandler.IGNORE)) {
      for (int i = 0; i < 20 && r.hasNext(); i++) {
        samples.add(r.next());
      }
    }
    // Ids as a stage file gives them: the summary hashes them.
    List<Sample> rows = new ArrayList<>();
    for (int i = 0; i < samples.size(); i++) {
      rows.add(samples.get(i).withId(dev.refinery.sample.RowId.of(0, i)));
    }
    BlendStep.Counts counts = copy.summarize(rows.iterator(), 1);
    long expected = 0;
    long math = 0;
    try (Tokenizer tok = Tokenizers.open(tokenizer.toString())) {
      TokenCounter rendered = new TokenCounter(tok,
          dev.refinery.template.Templates.resolve("qwen3"));
      for (Sample s : samples) {
        if ("math".equals(s.category())) {
          expected += rendered.count(s);
          math++;
        }
      }
    }
    assertThat(math).isPositive();
    assertThat(counts.rows[0]).isEqualTo(math);
    assertThat(counts.tokens[0]).isEqualTo(expected);
  }

  private static String withoutTimings(String statsJson) {
    return statsJson.replaceAll("\"seconds\":(\\{[^}]*}|[0-9.E-]+)", "\"seconds\":X");
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
