package dev.refinery.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.refinery.RefineryException;
import dev.refinery.dataset.SampleReader;
import dev.refinery.format.Formats;
import dev.refinery.internal.Json;
import dev.refinery.io.FileKind;
import dev.refinery.io.InputFile;
import dev.refinery.io.Inputs;
import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import dev.refinery.sample.ThinkBlock;
import dev.refinery.sample.ToolCall;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleDataTest {
  @TempDir
  Path tmp;

  private static SampleData.Spec jsonl(long rows, long seed, long shardRows) {
    return new SampleData.Spec(rows, seed, FileKind.JSONL, shardRows);
  }

  @Test
  void sameRowsAndSeedGiveByteIdenticalFolders() throws IOException {
    SampleData.write(tmp.resolve("a"), jsonl(600, 7, 150));
    SampleData.write(tmp.resolve("b"), jsonl(600, 7, 150));
    SampleData.write(tmp.resolve("c"), jsonl(600, 8, 150));

    Map<String, byte[]> a = contents(tmp.resolve("a"));
    Map<String, byte[]> b = contents(tmp.resolve("b"));
    assertThat(a.keySet()).contains("README.md", "planted.json", "data/stem-00000-of-00004.jsonl")
        .isEqualTo(b.keySet());
    a.forEach((name, bytes) -> assertThat(b.get(name)).as(name).isEqualTo(bytes));
    assertThat(contents(tmp.resolve("c")).get("data/stem-00000-of-00004.jsonl"))
        .isNotEqualTo(a.get("data/stem-00000-of-00004.jsonl"));
  }

  @Test
  void fiftyRowsCoverEverySplitAndEveryPlant() {
    SampleData.Summary s = SampleData.write(tmp, jsonl(50, 42, 1000));
    assertThat(s.totalRows()).isEqualTo(50);
    assertThat(s.rowsPerSplit()).containsOnlyKeys("stem", "math", "code", "chat", "tool_calling");
    assertThat(s.rowsPerSplit().values()).allMatch(n -> n >= 3);
    assertThat(s.planted().values()).allMatch(n -> n >= 1);
    assertThat(readAll(tmp)).hasSize(50);
  }

  @Test
  void filesFollowTheV1LayoutAndTheToolSplitIsFoundByItsPrefix() {
    SampleData.Summary s = SampleData.write(tmp, jsonl(1000, 1, 100));
    assertThat(s.files()).allSatisfy(f -> assertThat(f.getFileName().toString())
        .matches("(chat|code|math|stem|tool)-\\d{5}-of-\\d{5}\\.jsonl"));
    assertThat(s.files()).anyMatch(f -> f.getFileName().toString().equals(
        "stem-00008-of-00009.jsonl"));

    List<InputFile> tool = Inputs.resolve(tmp.toString(), List.of("tool"));
    assertThat(tool).hasSize(1);
    assertThat(tool.get(0).split()).isEqualTo("tool_calling");
    assertThat(tool.get(0).path().getFileName().toString()).isEqualTo("tool-00000-of-00001.jsonl");
    assertThat(Inputs.resolve(tmp.toString())).hasSize(s.files().size());
    assertThat(tmp.resolve("README.md")).content().contains("tool_calling", "duplicate_uuid");
  }

  @Test
  void plantedJsonRecordsTheCountsOfTheSummary() throws IOException {
    SampleData.Summary s = SampleData.write(tmp, jsonl(300, 3, 1000));
    @SuppressWarnings("unchecked")
    Map<String, Object> json = (Map<String, Object>) Json.parse(
        Files.readString(tmp.resolve("planted.json")));
    @SuppressWarnings("unchecked")
    Map<String, Object> defects = (Map<String, Object>) json.get("defects");
    assertThat(defects.get("duplicate_uuid")).isEqualTo(s.planted().get(Plant.DUPLICATE_UUID));
    assertThat(defects).doesNotContainKey("dash_user_placeholder");
    assertThat(json.get("rows")).isEqualTo(300L);
  }

  /**
   * Reads a run back and checks every row: clean rows are well formed for their split, and each
   * planted row shows exactly the flaw it was given. Also counts plants against the summary.
   */
  @Test
  void rowsReadBackCleanOrWithTheirPlant() {
    long rows = 1000;
    long seed = 42;
    SampleData.Summary summary = SampleData.write(tmp, jsonl(rows, seed, 300));
    Planting planting = new Planting(seed, Layout.of(rows, 300));

    Map<Split, Long> indexInSplit = new EnumMap<>(Split.class);
    Map<Plant, Long> seen = new EnumMap<>(Plant.class);
    Set<String> uuids = new HashSet<>();
    List<Integer> traceLengths = new ArrayList<>();
    long reasoningOn = 0;
    try (SampleReader reader = SampleReader.open(Inputs.resolve(tmp.toString()),
        Formats.nemotron(), r -> { throw new AssertionError(r.toString()); })) {
      while (reader.hasNext()) {
        Sample s = reader.next();
        Split split = splitOf(reader.currentFile().split());
        long index = indexInSplit.merge(split, 1L, Long::sum) - 1;
        Plant plant = planting.at(split, index);
        assertThat(s.category()).isEqualTo(split.category());
        assertThat(s.version()).isEqualTo("v1");
        assertThat(s.license()).isIn("CC BY 4.0", "odc-by");
        assertThat(s.generator()).isIn(RowFactory.R1, RowFactory.QWEN3);
        boolean fresh = uuids.add(s.uuid());
        if (plant == null) {
          assertThat(fresh).as("clean row %s has a fresh uuid", s.uuid()).isTrue();
          checkClean(split, s);
          ThinkBlock think = ThinkBlock.parse(s.finalAssistant().content());
          if (think.hasTrace()) {
            traceLengths.add(think.trace().length());
          }
        } else {
          if (plant != Plant.ROLES_OUT_OF_ORDER) {
            assertThat(rolesInOrder(s.messages())).as("%s row %s", plant, s.uuid()).isTrue();
          }
          seen.merge(plant, 1L, Long::sum);
          checkPlanted(plant, split, s, fresh);
        }
        reasoningOn += s.reasoningOn() ? 1 : 0;
      }
    }
    assertThat(indexInSplit.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(rows);
    for (Plant p : Plant.values()) {
      assertThat(seen.getOrDefault(p, 0L)).as(p.key()).isEqualTo(summary.planted().get(p))
          .isGreaterThanOrEqualTo(1);
    }
    assertThat(reasoningOn).isBetween(400L, 600L);
    traceLengths.sort(null);
    assertThat(traceLengths.get(0)).isGreaterThanOrEqualTo(150);
    assertThat(traceLengths.get(traceLengths.size() / 10)).isLessThan(1000);
    assertThat(traceLengths.get(traceLengths.size() * 9 / 10)).isGreaterThan(2500);
  }

  /** System only first, a user turn opens, no two user turns in a row, tool turns answer calls. */
  private static boolean rolesInOrder(List<Message> messages) {
    Message previous = null;
    for (int i = 0; i < messages.size(); i++) {
      Message m = messages.get(i);
      boolean ok = switch (m.role()) {
        case Message.SYSTEM -> i == 0;
        case Message.USER -> previous == null || !previous.isUser();
        case Message.ASSISTANT -> previous != null && !Message.SYSTEM.equals(previous.role());
        case Message.TOOL -> previous != null
            && (previous.hasToolCalls() || Message.TOOL.equals(previous.role()));
        default -> false;
      };
      if (!ok) {
        return false;
      }
      previous = m;
    }
    return true;
  }

  private static void checkClean(Split split, Sample s) {
    List<Message> m = s.messages();
    assertThat(rolesInOrder(m)).isTrue();
    int first = m.get(0).role().equals(Message.SYSTEM) ? 1 : 0;
    assertThat(m.get(first).role()).isEqualTo(Message.USER);
    assertThat(m.get(first).content()).isNotEmpty().isNotEqualTo("-");
    assertThat(m.get(m.size() - 1).role()).isEqualTo(Message.ASSISTANT);
    String content = s.finalAssistant().content();
    assertThat(content).isNotBlank().doesNotContain(RowFactory.SELF_IDENTIFICATION);
    ThinkBlock think = ThinkBlock.parse(content);
    if (s.reasoningOn()) {
      assertThat(think.state()).isEqualTo(ThinkBlock.State.CLOSED);
      assertThat(think.hasTrace()).isTrue();
      assertThat(content).startsWith("<think>\n").contains("\n</think>\n\n");
    } else {
      assertThat(think.state()).isEqualTo(ThinkBlock.State.ABSENT);
      assertThat(s.generator()).isEqualTo(RowFactory.QWEN3);
    }
    assertThat(Json.isValid(s.metadata())).as(s.metadata()).isTrue();
    switch (split) {
      case MATH -> assertThat(think.answer()).contains("\\boxed{");
      case CODE -> assertThat(think.answer()).contains("```python\n").endsWith("need them.");
      case CHAT -> assertThat(m.stream().filter(Message::isUser).count()).isBetween(2L, 4L);
      case TOOL_CALLING -> checkToolCalls(s);
      default -> { }
    }
  }

  @SuppressWarnings("unchecked")
  private static void checkToolCalls(Sample s) {
    Map<String, List<Object>> required = new HashMap<>();
    Map<String, Object> metadata = (Map<String, Object>) Json.parseOrNull(s.metadata());
    for (Object t : (List<Object>) metadata.get("tools")) {
      Map<String, Object> tool = (Map<String, Object>) t;
      Map<String, Object> function = (Map<String, Object>) tool.get("function");
      Map<String, Object> parameters = (Map<String, Object>) function.get("parameters");
      required.put((String) function.get("name"), (List<Object>) parameters.get("required"));
    }
    assertThat(s.toolCallCount()).isBetween(1, 2);
    long toolTurns = s.messages().stream().filter(m -> m.role().equals(Message.TOOL)).count();
    assertThat(toolTurns).isEqualTo(s.toolCallCount());
    for (Message m : s.messages()) {
      for (ToolCall call : m.toolCallsOrEmpty()) {
        assertThat(call.id()).matches("call_[0-9a-f]{24}");
        assertThat(required).containsKey(call.name());
        Object args = Json.parseOrNull(call.arguments());
        assertThat(args).as(call.arguments()).isInstanceOf(Map.class);
        assertThat(((Map<String, Object>) args).keySet())
            .containsAll((List<String>) (List<?>) required.get(call.name()));
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static void checkPlanted(Plant plant, Split split, Sample s, boolean freshUuid) {
    Message last = s.finalAssistant();
    String content = last == null ? null : last.content();
    ThinkBlock think = ThinkBlock.parse(content);
    switch (plant) {
      case ROLES_OUT_OF_ORDER -> assertThat(s.messages().stream()
          .filter(m -> !m.role().equals(Message.SYSTEM)).findFirst().orElseThrow().role())
          .isEqualTo(Message.ASSISTANT);
      case NO_ASSISTANT_TURN -> {
        assertThat(last).isNull();
        assertThat(s.messages().stream().filter(Message::isUser).count()).isEqualTo(1);
      }
      case UNTERMINATED_THINK -> {
        assertThat(split).isNotIn(Split.MATH, Split.CODE);
        assertThat(s.reasoningOn()).isTrue();
        assertThat(think.state()).isEqualTo(ThinkBlock.State.UNTERMINATED);
      }
      case EMPTY_THINK -> {
        assertThat(s.reasoningOn()).isTrue();
        assertThat(think.isEmptyBlock()).isTrue();
      }
      case REASONING_ON_WITHOUT_TRACE -> {
        assertThat(s.reasoningOn()).isTrue();
        assertThat(think.state()).isEqualTo(ThinkBlock.State.ABSENT);
      }
      case REASONING_OFF_WITH_TRACE -> {
        assertThat(s.reasoning()).isEqualTo("off");
        assertThat(think.hasTrace()).isTrue();
      }
      case METADATA_NOT_JSON -> {
        assertThat(Json.isValid(s.metadata())).isFalse();
        assertThat(split).isNotEqualTo(Split.TOOL_CALLING);
      }
      case SELF_IDENTIFICATION -> assertThat(think.answer())
          .startsWith(RowFactory.SELF_IDENTIFICATION);
      case EMPTY_ASSISTANT_TURN -> {
        assertThat(content).isEmpty();
        // An empty math or code answer would also trip the \boxed / fence rule.
        assertThat(split).isNotIn(Split.MATH, Split.CODE);
      }
      case DUPLICATE_UUID -> assertThat(freshUuid).isFalse();
      case MATH_WITHOUT_BOXED -> assertThat(content).doesNotContain("\\boxed");
      case CODE_WITHOUT_FENCE -> assertThat(content).doesNotContain("```");
      case TOOL_ARGUMENTS_NOT_JSON -> assertThat(s.messages().stream()
          .flatMap(m -> m.toolCallsOrEmpty().stream()))
          .anyMatch(c -> !Json.isValid(c.arguments()));
      case UNKNOWN_TOOL -> {
        String metadata = s.metadata();
        assertThat(s.messages().stream().flatMap(m -> m.toolCallsOrEmpty().stream()))
            .anyMatch(c -> !metadata.contains("\"name\":\"" + c.name() + "\""));
      }
      case EMPTY_USER_PLACEHOLDER -> assertThat(s.firstUserPrompt()).isEmpty();
      case DASH_USER_PLACEHOLDER -> assertThat(s.firstUserPrompt()).isEqualTo("-");
      default -> throw new AssertionError("no check for " + plant);
    }
  }

  @Test
  void refusesAFolderThatAlreadyHoldsData() {
    SampleData.write(tmp, jsonl(20, 1, 1000));
    assertThatThrownBy(() -> SampleData.write(tmp, jsonl(20, 1, 1000)))
        .isInstanceOf(RefineryException.class)
        .hasMessageContaining("already holds 5 data files");
  }

  @Test
  void specsThatCannotWorkAreRejectedWithOneLine() {
    assertThatThrownBy(() -> jsonl(0, 1, 10)).isInstanceOf(RefineryException.class)
        .hasMessage("rows must be at least 1, got 0");
    assertThatThrownBy(() -> jsonl(10, 1, 0)).hasMessageContaining("shard rows must be at least 1");
    assertThatThrownBy(() -> new SampleData.Spec(10, 1, FileKind.JSON_ARRAY, 10))
        .hasMessageContaining("parquet or jsonl");
    assertThatThrownBy(() -> jsonl(1_000_000, 1, 1)).hasMessageContaining("raise the shard size");
  }

  @Test
  void unboxKeepsWhatTheBoxHeldEvenWithNestedBraces() {
    assertThat(RowFactory.unbox("so $\\boxed{\\frac{1}{3}}$.")).isEqualTo("so $\\frac{1}{3}$.");
  }

  private static Split splitOf(String category) {
    for (Split s : Split.values()) {
      if (s.category().equals(category)) {
        return s;
      }
    }
    throw new AssertionError(category);
  }

  private static List<Sample> readAll(Path dir) {
    List<Sample> out = new ArrayList<>();
    try (SampleReader r = SampleReader.open(Inputs.resolve(dir.toString()), Formats.nemotron(),
        rej -> { throw new AssertionError(rej.toString()); })) {
      r.forEachRemaining(out::add);
    }
    return out;
  }

  private static Map<String, byte[]> contents(Path dir) throws IOException {
    Map<String, byte[]> out = new HashMap<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        out.put(dir.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
      }
    }
    return out;
  }
}
