package dev.refinery.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.refinery.TestData;
import dev.refinery.dataset.Rejected;
import dev.refinery.format.Formats;
import dev.refinery.io.InputFile;
import dev.refinery.io.Inputs;
import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import dev.refinery.sample.ToolCall;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatsCollectorTest {

  @Test
  void lengthsAreCodePointsOfPromptAnswerAndTrace() {
    StatsCollector c = new StatsCollector("math");
    c.add(sample("on", Message.of("system", "be brief"),
        Message.of("user", "héllo 😀"),   // 7 code points, 8 UTF-16 units
        Message.of("assistant", "<think>\n abc \n</think>\n\n  42 😀 ")));
    DatasetStats s = c.result();

    assertThat(s.promptLength()).isEqualTo(LengthHistogram.of(7));
    assertThat(s.answerLength()).isEqualTo(LengthHistogram.of(4)); // "42 😀", stripped
    assertThat(s.reasoningLength()).isEqualTo(LengthHistogram.of(3)); // "abc"
    assertThat(s.samplesWithReasoning()).isEqualTo(1);
    assertThat(s.turns()).isEqualTo(LengthHistogram.of(3));
    assertThat(s.bySplit()).containsExactly(entry("math", 1L));
    assertThat(s.byReasoning()).containsExactly(entry("on", 1L));
  }

  @Test
  void measuresTheFirstUserTurnAndTheFinalAssistantTurn() {
    StatsCollector c = new StatsCollector(null);
    c.add(sample("off",
        Message.of("user", "first"),
        Message.of("assistant", "an earlier answer that is longer"),
        Message.of("user", "second question"),
        Message.of("assistant", "final")));
    DatasetStats s = c.result();
    assertThat(s.promptLength()).isEqualTo(LengthHistogram.of(5));
    assertThat(s.answerLength()).isEqualTo(LengthHistogram.of(5));
    assertThat(s.reasoningLength().isEmpty()).isTrue();
    assertThat(s.bySplit()).isEmpty();
  }

  @Test
  void emptyThinkBlockIsNotReasoningAndToolOnlyTurnHasNoAnswer() {
    StatsCollector c = new StatsCollector(null);
    c.add(sample("off", Message.of("user", "hi"),
        Message.of("assistant", "<think></think>hello")));
    c.add(sample("on", Message.of("user", "weather?"),
        new Message("assistant", null, List.of(ToolCall.of("c1", "get_weather", "{}"),
            ToolCall.of("c2", "get_time", "{}")), null)));
    DatasetStats s = c.result();
    assertThat(s.samplesWithReasoning()).isZero();
    assertThat(s.answerLength()).isEqualTo(LengthHistogram.of(5));
    assertThat(s.toolCalls()).isEqualTo(LengthHistogram.of(0, 2));
  }

  @Test
  void nullFieldsCountAsNone() {
    StatsCollector c = new StatsCollector(null);
    c.add(Sample.builder().category("chat").messages(List.of(Message.of("user", "x"))).build());
    c.add(Sample.builder().messages(List.of()).build());
    DatasetStats s = c.result();
    assertThat(s.byCategory()).containsExactly(entry(DatasetStats.NONE, 1L), entry("chat", 1L));
    assertThat(s.byGenerator()).containsExactly(entry(DatasetStats.NONE, 2L));
    assertThat(s.promptLength().count()).isEqualTo(1);
    assertThat(s.answerLength().count()).isZero();
  }

  @Test
  void plusAddsTablesAndHistograms() {
    StatsCollector a = new StatsCollector("math");
    a.add(sample("on", Message.of("user", "aa")));
    StatsCollector b = new StatsCollector("code");
    b.add(sample("off", Message.of("user", "bbbb")));
    b.addMalformed(2);
    DatasetStats sum = a.result().plus(b.result());
    assertThat(sum.totalSamples()).isEqualTo(4);
    assertThat(sum.malformedSamples()).isEqualTo(2);
    assertThat(sum.decodedSamples()).isEqualTo(2);
    assertThat(sum.bySplit()).containsExactly(entry("code", 1L), entry("math", 1L));
    assertThat(sum.byReasoning()).containsExactly(entry("off", 1L), entry("on", 1L));
    assertThat(sum.promptLength()).isEqualTo(LengthHistogram.of(2, 4));
    assertThat(sum).isEqualTo(b.result().plus(a.result()));
    assertThat(sum.plus(DatasetStats.EMPTY)).isEqualTo(sum);
  }

  @Test
  void parallelOverFilesEqualsSequentialAndCountsMalformed(@TempDir Path dir) throws IOException {
    List<String> good = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      good.add("{\"uuid\":\"u" + i + "\",\"category\":\"c" + (i % 3) + "\",\"reasoning\":\"on\","
          + "\"messages\":[{\"role\":\"user\",\"content\":\"" + "q".repeat(i) + "\"},"
          + "{\"role\":\"assistant\",\"content\":\"<think>" + "t".repeat(i + 1) + "</think>a\"}]}");
    }
    for (int f = 0; f < 5; f++) {
      List<String> lines = new ArrayList<>(good.subList(f * 6, f * 6 + 6));
      lines.add(2, "{not json");
      Files.write(dir.resolve((f % 2 == 0 ? "math" : "code") + "-0000" + f + "-of-00005.jsonl"),
          lines);
    }
    List<InputFile> files = Inputs.resolve(dir.toString());
    List<Rejected> rejected = Collections.synchronizedList(new ArrayList<>());

    DatasetStats parallel = StatsCollector.collect(files, Formats.nemotron(), rejected::add, 4);
    DatasetStats sequential = StatsCollector.collect(files, Formats.nemotron(), r -> { }, 1);

    assertThat(parallel).isEqualTo(sequential);
    assertThat(parallel.toJson()).isEqualTo(sequential.toJson());
    assertThat(parallel.totalSamples()).isEqualTo(35);
    assertThat(parallel.malformedSamples()).isEqualTo(5);
    assertThat(rejected).hasSize(5).allSatisfy(r -> assertThat(r.location().line()).isEqualTo(3));
    assertThat(parallel.bySplit()).containsExactly(entry("code", 12L), entry("math", 18L));
    assertThat(parallel.byCategory().values()).containsOnly(10L);
    assertThat(parallel.promptLength().percentile(50)).isEqualTo(14); // lengths 0..29
    assertThat(parallel.reasoningLength().max()).isEqualTo(30);
    assertThat(parallel.samplesWithReasoning()).isEqualTo(30);
  }

  @Test
  void realOpenAiMessagesFile() {
    // OpenAI "messages" rows decode as nemotron rows without the metadata columns.
    Path file = TestData.file("nemo-skills-samples/small_sft_messages_5.jsonl");
    DatasetStats s = StatsCollector.collect(Inputs.resolve(file.toString()), Formats.nemotron(),
        r -> { });
    assertThat(s.totalSamples()).isEqualTo(5);
    assertThat(s.malformedSamples()).isZero();
    assertThat(s.turns()).isEqualTo(LengthHistogram.of(3, 3, 3, 3, 3));
    assertThat(s.promptLength().count()).isEqualTo(5);
    assertThat(s.promptLength().min()).isGreaterThan(20);
    assertThat(s.answerLength().count()).isEqualTo(5);
    assertThat(s.byCategory()).containsExactly(entry(DatasetStats.NONE, 5L));
    assertThat(s.samplesWithReasoning()).isZero();
  }

  private static Sample sample(String reasoning, Message... messages) {
    return Sample.builder().uuid("u").category("math").generator("g").license("cc-by-4.0")
        .version("v1").reasoning(reasoning).messages(List.of(messages)).build();
  }
}
