package dev.refinery.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.refinery.TestData;
import dev.refinery.dataset.RejectHandler;
import dev.refinery.dataset.SampleReader;
import dev.refinery.dataset.SampleWriter;
import dev.refinery.format.Format;
import dev.refinery.format.Formats;
import dev.refinery.internal.Json;
import dev.refinery.io.InputFile;
import dev.refinery.io.Inputs;
import dev.refinery.io.RowSchemaMismatchException;
import dev.refinery.sample.Message;
import dev.refinery.sample.RowId;
import dev.refinery.sample.Sample;
import dev.refinery.sample.ToolCall;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StageFilesTest {
  @TempDir
  Path dir;

  /** What a JSON Lines stage file gave back: the sample through its v1 record's JSON text. */
  private static Sample throughJson(Sample s) throws Exception {
    Format v1 = Formats.nemotron();
    @SuppressWarnings("unchecked")
    Map<String, Object> row = (Map<String, Object>) Json.parse(Json.write(v1.encode(s)));
    return v1.decode(row).withId(s.id());
  }

  private List<Sample> roundTrip(List<Sample> samples) {
    Path file = dir.resolve("part-00000.parquet");
    try (SampleWriter w = StageFiles.writer(file)) {
      samples.forEach(w::write);
    }
    List<Sample> back = new ArrayList<>();
    try (SampleReader r = StageFiles.reader(file)) {
      r.forEachRemaining(back::add);
    }
    return back;
  }

  /** Equal content and ids, and extras of the same Java types (Map equality hides Long vs Double). */
  private static void assertSame(Sample expected, Sample actual) {
    assertEquals(expected, actual);
    assertEquals(expected.id(), actual.id());
    assertEquals(typed(expected), typed(actual));
  }

  private static String typed(Sample s) {
    StringBuilder b = new StringBuilder();
    typed(Formats.nemotron().encode(s), b);
    return b.toString();
  }

  private static void typed(Object v, StringBuilder b) {
    if (v instanceof Map<?, ?> m) {
      b.append('{');
      m.forEach((k, x) -> {
        b.append(k).append('=');
        typed(x, b);
        b.append(',');
      });
      b.append('}');
    } else if (v instanceof List<?> l) {
      b.append('[');
      l.forEach(x -> {
        typed(x, b);
        b.append(',');
      });
      b.append(']');
    } else {
      b.append(v == null ? "null" : v.getClass().getSimpleName() + ":" + v);
    }
  }

  @Test
  void everyFieldAndIdComesBackAsTheJsonLinesStageFileGaveIt() throws Exception {
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("source_dataset", "imported");
    extra.put("score", 0.75);
    extra.put("count", 3L);
    extra.put("huge", new BigInteger("123456789012345678901234567890"));
    extra.put("small_int", 7); // an Integer from a Parquet import: a Long after a JSON round trip
    extra.put("nothing", null);
    extra.put("tags", List.of("a", "b"));
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("k", Arrays.asList(1L, null, Map.of("x", true)));
    extra.put("nested", nested);
    Map<String, Object> msgExtra = new LinkedHashMap<>();
    msgExtra.put("reasoning_content", "first I think");
    msgExtra.put("weight", 0L);
    ToolCall call = new ToolCall("call_1", "function",
        new ToolCall.Function("lookup", "{\"q\": 1}", Map.of("strict", true)), Map.of("index", 0L));
    ToolCall noFunction = new ToolCall(null, null, null, null);
    RowId root = RowId.of(3, 12345);
    List<Sample> samples = List.of(
        new Sample("u1", "cc-by-4.0", "gen", "v1", "math", "on",
            List.of(Message.of("system", "be brief"), new Message("user", "2+2?", null, null),
                new Message("assistant", null, List.of(call, noFunction), msgExtra),
                new Message("tool", "4", List.of(), null)),
            "{\"tools\": []}", extra, root),
        // Everything null that may be; no messages; ids derived twice, and none at all.
        new Sample(null, null, null, null, null, null, List.of(), null, null,
            root.derive(2).derive(0)),
        new Sample("u3", "", "", "", "", "off", List.of(Message.of("user", "")), "", null, null),
        new Sample("u4", "l", "g", "v", "c", "weird", List.of(Message.of("user", "emoji \uD83D\uDE00 ok")),
            null, Map.of("v1_like", Map.of("messages", List.of())), RowId.of(0, 0).derive(65533)));
    List<Sample> back = roundTrip(samples);
    assertEquals(samples.size(), back.size());
    for (int i = 0; i < samples.size(); i++) {
      assertSame(throughJson(samples.get(i)), back.get(i));
    }
    assertEquals(RowId.parse("3:12345/2/0"), back.get(1).id());
    assertEquals(null, back.get(2).id());
  }

  @Test
  void importedRowsWithToolCallsAndExtraColumnsComeBackExactly() throws Exception {
    // Imported rows whose extra columns change type from row to row.
    Path mixed = dir.resolve("mixed.jsonl");
    Files.writeString(mixed, String.join("\n",
        "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\", \"name\": \"x\"}], "
            + "\"score\": 1, \"tags\": [\"a\"], \"info\": {\"k\": 1.5}, \"gone\": null}",
        "{\"messages\": [{\"role\": \"user\", \"content\": \"yo\"}], \"score\": 2.5, "
            + "\"tags\": {\"not\": \"a list\"}, \"info\": \"text\", \"gone\": [null, 1e300]}",
        "{\"messages\": [], \"score\": 99999999999999999999999, \"tags\": true}") + "\n");
    List<Sample> samples = new ArrayList<>();
    int fileIndex = 0;
    for (String name : List.of(mixed.toString(), "llamafactory-demo/glaive_toolcall_en_demo.json",
        "llamafactory-demo/reason_tool_use_demo_50.jsonl",
        "nemo-skills-samples/small_sft_messages_5.jsonl", "nemo-skills-samples/code_sft_10.jsonl")) {
      Path path = name.startsWith("/") ? Path.of(name) : TestData.file(name);
      InputFile in = Inputs.resolve(path.toString()).get(0);
      try (SampleReader r = SampleReader.open(in, fileIndex++, Formats.detect(in),
          RejectHandler.IGNORE)) {
        r.forEachRemaining(samples::add);
      }
    }
    assertTrue(samples.size() > 100, "read " + samples.size());
    assertTrue(samples.stream().anyMatch(s -> s.toolCallCount() > 0));
    assertTrue(samples.stream().anyMatch(s -> !s.extra().isEmpty()));
    List<Sample> back = roundTrip(samples);
    assertEquals(samples.size(), back.size());
    for (int i = 0; i < samples.size(); i++) {
      assertSame(throughJson(samples.get(i)), back.get(i));
    }
  }

  @Test
  void manyRowGroupsKeepRowsInOrder() throws Exception {
    Path file = dir.resolve("part-00001.parquet");
    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      samples.add(new Sample("u" + i, "lic", "gen", "v1", "chat", i % 2 == 0 ? "on" : "off",
          List.of(Message.of("user", "question " + i), Message.of("assistant", "answer " + i)),
          "{}", Map.of("i", (long) i), RowId.of(1, i)));
    }
    // A tiny row group budget: many row groups, each reader switch must keep going in order.
    try (SampleWriter w = SampleWriter.create(file,
        temp -> new StageFiles.Writer(temp, CompressionCodecName.ZSTD, 16 * 1024))) {
      samples.forEach(w::write);
    }
    List<Sample> back = new ArrayList<>();
    try (SampleReader r = StageFiles.reader(file)) {
      r.forEachRemaining(back::add);
    }
    assertEquals(samples, back);
    for (int i = 0; i < samples.size(); i++) {
      assertEquals(samples.get(i).id(), back.get(i).id());
    }
  }

  @Test
  void emptyStageFileHasNoRows() {
    assertTrue(roundTrip(List.of()).isEmpty());
  }

  @Test
  void sampleWithUnpairedSurrogateIsRefusedWholeAndTheFileStaysReadable() {
    Path file = dir.resolve("part-00002.parquet");
    Sample good = new Sample("u", null, null, null, null, null, List.of(Message.of("user", "ok")),
        null, null, RowId.of(0, 0));
    Sample bad = good.withMessages(List.of(Message.of("user", "broken \uD800 text")))
        .withId(RowId.of(0, 1));
    try (SampleWriter w = StageFiles.writer(file)) {
      w.write(good);
      RowSchemaMismatchException e = assertThrows(RowSchemaMismatchException.class,
          () -> w.write(bad));
      assertTrue(e.getMessage().contains("unpaired surrogate"), e.getMessage());
    }
    try (SampleReader r = StageFiles.reader(file)) {
      assertEquals(good, r.next());
      assertFalse(r.hasNext());
    }
  }

  @Test
  void aFileOfAnotherSchemaIsNotReadAsAStageFile() throws Exception {
    Path other = dir.resolve("data.parquet");
    try (SampleWriter w = SampleWriter.create(other, Formats.nemotron())) {
      w.write(new Sample("u", null, null, null, null, null, List.of(), null, null));
    }
    Exception e = assertThrows(RuntimeException.class, () -> StageFiles.reader(other));
    assertTrue(e.getMessage().contains("not a stage file"), e.getMessage());
    assertTrue(Files.exists(other));
  }
}
