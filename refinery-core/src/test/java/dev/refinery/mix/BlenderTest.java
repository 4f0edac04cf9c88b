package dev.refinery.mix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.refinery.dataset.RejectHandler;
import dev.refinery.dataset.SampleReader;
import dev.refinery.dataset.SampleWriter;
import dev.refinery.demo.SampleData;
import dev.refinery.format.Formats;
import dev.refinery.internal.Json;
import dev.refinery.io.FileKind;
import dev.refinery.io.Inputs;
import dev.refinery.sample.Sample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlenderTest {
  @TempDir
  static Path dir;
  private static Path hf;
  private static Path jsonl;
  private static final ToIntFunction<Sample> CHARS = s -> s.messages().stream()
      .mapToInt(m -> m.content() == null ? 0 : m.content().length()).sum();

  @BeforeAll
  static void data() {
    hf = dir.resolve("hf");
    SampleData.write(hf, SampleData.Spec.of(3000, 5));
    Path flat = dir.resolve("flat");
    SampleData.write(flat, SampleData.Spec.of(2000, 6).withFileKind(FileKind.JSONL));
    // One file of every category, named outside the split layout: a source picks by category.
    jsonl = dir.resolve("mixed.jsonl");
    try (SampleReader r = SampleReader.open(Inputs.resolve(flat.toString()), Formats.nemotron(),
        RejectHandler.IGNORE); SampleWriter w = SampleWriter.create(jsonl, Formats.nemotron())) {
      r.forEachRemaining(w::write);
    }
  }

  private static Blender.Options samples(long total, long seed, boolean shuffle) {
    return new Blender.Options(BlendPlan.Unit.SAMPLES, total, seed, CHARS, "chars", shuffle, 2,
        "parquet", 1 << 20);
  }

  private static List<Sample> read(Path out) {
    List<Sample> rows = new ArrayList<>();
    try (SampleReader r = SampleReader.open(Inputs.resolve(out.resolve("data").toString()),
        Formats.nemotron(), RejectHandler.FAIL)) {
      r.forEachRemaining(rows::add);
    }
    return rows;
  }

  private static List<Blender.SourceSpec> sources() {
    return List.of(Blender.SourceSpec.parse("math=" + hf + ":math"),
        Blender.SourceSpec.parse("code=" + hf + ":code"),
        Blender.SourceSpec.parse("chat=" + jsonl + ":chat"));
  }

  private static Map<String, Double> weights(double math, double code, double chat) {
    Map<String, Double> w = new LinkedHashMap<>();
    w.put("math", math);
    w.put("code", code);
    w.put("chat", chat);
    return w;
  }

  @Test
  @SuppressWarnings("unchecked")
  void theMixtureHasTheRequestedSharesAndTheManifestSaysWhatWasRealized() throws IOException {
    Path out = dir.resolve("blend-a");
    Blender.Result r = Blender.blend(sources(), weights(5, 3, 2), out, samples(1000, 7, true),
        RejectHandler.FAIL);
    List<Sample> rows = read(out);
    assertThat(rows).hasSize(1000);
    Map<String, Integer> byCategory = new HashMap<>();
    rows.forEach(s -> byCategory.merge(s.category(), 1, Integer::sum));
    assertThat(byCategory).containsEntry("math", 500).containsEntry("code", 300)
        .containsEntry("chat", 200).hasSize(3);
    assertThat(r.files()).hasSize(2);
    Map<String, Object> manifest = (Map<String, Object>) Json.parse(
        Files.readString(out.resolve("manifest.json")));
    assertThat(((Number) manifest.get("realized_samples")).longValue()).isEqualTo(1000);
    List<Map<String, Object>> srcs = (List<Map<String, Object>>) manifest.get("sources");
    assertThat(srcs).extracting(m -> m.get("name")).containsExactly("math", "code", "chat");
    assertThat(srcs.get(0)).containsEntry("selected_by", "split")
        .containsEntry("within_tolerance", true);
    assertThat(((Number) srcs.get(0).get("realized_samples")).longValue()).isEqualTo(500);
    assertThat(srcs.get(2)).containsEntry("selected_by", "category");
    long chatRows = ((Number) srcs.get(2).get("available_samples")).longValue();
    // 200 chat rows asked of a smaller source: whole epochs plus a remainder
    assertThat(((Number) srcs.get(2).get("epochs")).longValue()).isEqualTo(200 / chatRows);
    long realizedTokens = rows.stream().mapToLong(CHARS::applyAsInt).sum();
    assertThat(((Number) manifest.get("realized_tokens")).longValue()).isEqualTo(realizedTokens);
    assertThat((List<Object>) srcs.get(0).get("inputs")).isNotEmpty();
  }

  @Test
  void sameSeedGivesIdenticalBytesOtherSeedsAnotherMixture() throws IOException {
    Blender.blend(sources(), weights(1, 1, 1), dir.resolve("s1"), samples(600, 3, true),
        RejectHandler.FAIL);
    Blender.blend(sources(), weights(1, 1, 1), dir.resolve("s1-again"), samples(600, 3, true),
        RejectHandler.FAIL);
    Blender.blend(sources(), weights(1, 1, 1), dir.resolve("s2"), samples(600, 4, true),
        RejectHandler.FAIL);
    Blender.blend(sources(), weights(1, 1, 1), dir.resolve("s1-small-memory"),
        new Blender.Options(BlendPlan.Unit.SAMPLES, 600, 3, CHARS, "chars", true, 2, "parquet",
            4096), RejectHandler.FAIL);
    for (String f : List.of("data/train-00000-of-00002.parquet",
        "data/train-00001-of-00002.parquet", "manifest.json")) {
      assertThat(Files.readAllBytes(dir.resolve("s1-again").resolve(f)))
          .isEqualTo(Files.readAllBytes(dir.resolve("s1").resolve(f)));
    }
    assertThat(read(dir.resolve("s1-small-memory"))).isEqualTo(read(dir.resolve("s1")));
    assertThat(read(dir.resolve("s2"))).isNotEqualTo(read(dir.resolve("s1")));
    List<String> categories = read(dir.resolve("s1")).stream().map(Sample::category).toList();
    assertThat(categories.subList(0, 100)).contains("math", "code", "chat"); // shuffled
  }

  @Test
  void tokensBlendsLandWithinTheToleranceAndUnshuffledKeepsSourceOrder() {
    Path out = dir.resolve("tokens");
    Blender.Result r = Blender.blend(sources(), weights(0.6, 0.3, 0.1), out,
        new Blender.Options(BlendPlan.Unit.TOKENS, 2_000_000, 1, CHARS, "chars", false, 1,
            "jsonl", 1 << 20), RejectHandler.FAIL);
    for (BlendPlan.Allocation a : r.plan().allocations()) {
      assertThat(r.plan().withinTolerance(a)).as(a.name()).isTrue();
    }
    List<String> categories = read(out).stream().map(Sample::category).toList();
    int firstCode = categories.indexOf("code");
    assertThat(categories.subList(0, firstCode)).containsOnly("math");
  }

  @Test
  void badSourcesAndWeightsFailBeforeAnythingIsWritten() {
    Path out = dir.resolve("bad");
    assertThatThrownBy(() -> Blender.blend(List.of(Blender.SourceSpec.parse("x=" + dir
        + "/missing")), Map.of("x", 1.0), out, samples(10, 1, true), RejectHandler.FAIL))
        .hasMessageContaining("source 'x'").hasMessageContaining("does not exist");
    assertThatThrownBy(() -> Blender.blend(List.of(Blender.SourceSpec.parse("x=" + jsonl
        + ":poetry")), Map.of("x", 1.0), out, samples(10, 1, true), RejectHandler.FAIL))
        .hasMessageContaining("source 'x'").hasMessageContaining("has no rows");
    assertThatThrownBy(() -> Blender.blend(sources(), Map.of("math", 1.0, "code", 1.0, "chat",
        1.0, "poetry", 1.0), out, samples(10, 1, true), RejectHandler.FAIL))
        .hasMessageContaining("'poetry', which is not a source");
    assertThatThrownBy(() -> Blender.blend(sources(), Map.of("math", 1.0, "code", 1.0), out,
        samples(10, 1, true), RejectHandler.FAIL))
        .hasMessage("source 'chat' has no weight in --weights");
    assertThatThrownBy(() -> Blender.blend(sources(), weights(1, -1, 1), out,
        samples(10, 1, true), RejectHandler.FAIL))
        .hasMessageContaining("source 'code' has weight -1.0");
    assertThat(out).doesNotExist();
    assertThatThrownBy(() -> Blender.SourceSpec.parse("nameonly"))
        .hasMessageContaining("NAME=PATH");
  }
}
