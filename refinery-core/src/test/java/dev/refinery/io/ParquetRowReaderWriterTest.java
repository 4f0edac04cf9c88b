package dev.refinery.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.refinery.RefineryException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ParquetRowReaderWriterTest {
  @TempDir
  Path dir;

  /** A map that keeps nulls and insertion order, from alternating keys and values. */
  static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  static List<Object> list(Object... items) {
    return new ArrayList<>(Arrays.asList(items));
  }

  static void write(Path file, MessageType known, CompressionCodecName codec,
      List<Map<String, Object>> rows) throws IOException {
    try (ParquetRowWriter w = new ParquetRowWriter(file, known, codec)) {
      for (Map<String, Object> row : rows) {
        w.write(row);
      }
    }
  }

  static List<RawRow> readAll(Path file) throws IOException {
    List<RawRow> rows = new ArrayList<>();
    try (RowReader r = new ParquetRowReader(file)) {
      RawRow row;
      while ((row = r.next()) != null) {
        rows.add(row);
      }
    }
    return rows;
  }

  static List<Map<String, Object>> fields(List<RawRow> rows) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (RawRow r : rows) {
      assertThat(r.isBad()).as("row %s is bad: %s", r.location(), r.error()).isFalse();
      out.add(r.fields());
    }
    return out;
  }

  static List<Map<String, Object>> nestedRows() {
    String longText = "lorem ipsum dolor sit amet ".repeat(20_000);
    List<Map<String, Object>> rows = new ArrayList<>();
    rows.add(map(
        "id", 1L,
        "name", "plain ascii",
        "score", 0.5,
        "ok", true,
        "turns", list(
            map("role", "user", "parts", list("a", "b"), "n", 3L),
            map("role", "assistant", "parts", list(), "n", null),
            null),
        "meta", map("source", "x", "tags", list("t1", null, "t3")),
        "empty", list(),
        "none", null));
    rows.add(map(
        "id", -7L,
        "name", "emoji 😀🚀 and CJK 漢字かなカナ 한국어, combining é, a real \uFFFD",
        "score", -1.0e300,
        "ok", false,
        "turns", null,
        "meta", null,
        "empty", null,
        "none", null));
    rows.add(map(
        "id", Long.MAX_VALUE,
        "name", longText,
        "score", null,
        "ok", null,
        "turns", list(map("role", null, "parts", null, "n", Long.MIN_VALUE)),
        "meta", map("source", null, "tags", list()),
        "empty", list(),
        "none", null));
    return rows;
  }

  @ParameterizedTest
  @EnumSource(value = CompressionCodecName.class, names = {"ZSTD", "SNAPPY"})
  void nestedRowsRoundTrip(CompressionCodecName codec) throws IOException {
    Path file = dir.resolve("nested.parquet");
    List<Map<String, Object>> rows = nestedRows();
    write(file, null, codec, rows);

    List<RawRow> read = readAll(file);
    assertThat(fields(read)).containsExactlyElementsOf(rows);
    // Key order is the first record's, and null / empty lists stay apart.
    assertThat(read.get(0).fields().keySet())
        .containsExactly("id", "name", "score", "ok", "turns", "meta", "empty", "none");
    assertThat(read.get(0).fields().get("empty")).isEqualTo(List.of());
    assertThat(read.get(1).fields()).containsEntry("empty", null).containsKey("none");
    assertThat(read.get(0).location()).isEqualTo(Location.rowGroup(file.toString(), 0, 0));
    assertThat(read.get(2).location()).isEqualTo(Location.rowGroup(file.toString(), 0, 2));

    MessageType schema = ParquetFiles.schemaOf(file);
    assertThat(schema.getType("turns").asGroupType().getType(0).getName()).isEqualTo("list");
    assertThat(schema.getType("none").asPrimitiveType().getLogicalTypeAnnotation())
        .hasToString("STRING");
  }

  static Map<String, Object> toolCallingRow() {
    return map(
        "uuid", "5f0c1c1e-2d5c-4a57-9d3a-5b0f7d1d2e11",
        "license", "CC BY 4.0",
        "generator", "Qwen3-235B-A22B",
        "version", "v1",
        "category", "tool_calling",
        "reasoning", "on",
        "messages", list(
            map("role", "system", "content", "You are a helpful assistant.", "tool_calls", list()),
            map("role", "user", "content", "What's the weather in Paris?", "tool_calls", list()),
            map("role", "assistant", "content", "<think>Call the tool.</think>", "tool_calls",
                list(map("id", "call_0", "type", "function", "function",
                    map("name", "get_weather", "arguments", "{\"city\": \"Paris\"}")))),
            map("role", "tool", "content", "{\"temp_c\": 18}", "tool_calls", null),
            map("role", "assistant", "content", "It is 18 °C in Paris.", "tool_calls", list())),
        "metadata", "{\"tools\": [{\"type\": \"function\", \"function\": {\"name\": "
            + "\"get_weather\", \"parameters\": {\"type\": \"object\"}}}]}");
  }

  @Test
  void nemotronV1RoundTrip() throws IOException {
    Path file = dir.resolve("v1.parquet");
    Map<String, Object> row = toolCallingRow();
    Map<String, Object> sparse = map("uuid", "u2", "messages", list(map("role", "user")));
    write(file, NemotronParquetSchema.V1, null, List.of(row, sparse));

    assertThat(ParquetFiles.schemaOf(file)).isEqualTo(NemotronParquetSchema.V1);
    List<Map<String, Object>> read = fields(readAll(file));
    assertThat(read.get(0)).isEqualTo(row);
    // Missing keys come back as nulls, at every level.
    Map<String, Object> expected = new LinkedHashMap<>();
    for (String c : List.of("uuid", "license", "generator", "version", "category", "reasoning",
        "messages", "metadata")) {
      expected.put(c, null);
    }
    expected.put("uuid", "u2");
    expected.put("messages", list(map("role", "user", "content", null, "tool_calls", null)));
    assertThat(read.get(1)).isEqualTo(expected);
  }

  @Test
  void knownGroupsGainUnknownKeysAndListElementsMergeTheirFields() throws IOException {
    Path file = dir.resolve("merge.parquet");
    Map<String, Object> row = map(
        "messages", list(
            map("role", "user", "content", "hi"),
            map("role", "assistant", "content", null, "reasoning_content", "hmm")),
        "extra", list(map("a", 1L), map("b", "x")));
    try (ParquetRowWriter w = new ParquetRowWriter(file, NemotronParquetSchema.V1, null)) {
      w.write(row);
    }
    assertThat(ParquetFiles.schemaOf(file).getFields().stream().map(t -> t.getName()))
        .containsExactly("messages", "extra", "uuid", "license", "generator", "version",
            "category", "reasoning", "metadata");
    Map<String, Object> back = fields(readAll(file)).get(0);
    assertThat(back.get("messages")).isEqualTo(list(
        map("role", "user", "content", "hi", "tool_calls", null, "reasoning_content", null),
        map("role", "assistant", "content", null, "tool_calls", null,
            "reasoning_content", "hmm")));
    assertThat(back.get("extra")).isEqualTo(list(map("a", 1L, "b", null), map("a", null, "b", "x")));
  }

  @Test
  void rowsThatDoNotFitAreRejectedAndTheFileStaysValid() throws IOException {
    Path file = dir.resolve("mismatch.parquet");
    Map<String, Object> first = map("a", "x", "b", map("c", 1L), "l", list("s"));
    Map<String, Object> last = map("a", "z", "b", map("c", 3L), "l", list());
    // Schema from the first row only, so that the next rows are checked against it.
    try (ParquetRowWriter w = new ParquetRowWriter(file, null, CompressionCodecName.ZSTD,
        ParquetRowWriter.DEFAULT_ROW_GROUP_SIZE, 0, 1)) {
      w.write(first);
      assertThatThrownBy(() -> w.write(map("a", "y", "b", map("c", 2L, "d", "new"))))
          .isInstanceOf(RowSchemaMismatchException.class)
          .hasMessage("field 'b.d' is not in the output Parquet schema");
      assertThatThrownBy(() -> w.write(map("l", "not a list")))
          .isInstanceOf(RowSchemaMismatchException.class)
          .hasMessage("field 'l' is a list in the output schema but the record has a string");
      assertThatThrownBy(() -> w.write(map("a", 5L)))
          .isInstanceOf(RowSchemaMismatchException.class)
          .hasMessage("field 'a' is a string in the output schema but the record has an integer");
      assertThatThrownBy(() -> w.write(map("b", map("c", 1.5))))
          .isInstanceOf(RowSchemaMismatchException.class)
          .hasMessageContaining("field 'b.c'");
      assertThatThrownBy(() -> w.write(map("zzz", null)))
          .isInstanceOf(RowSchemaMismatchException.class)
          .hasMessage("field 'zzz' is not in the output Parquet schema");
      w.write(last);
      w.write(map("a", "only a")); // missing keys are nulls
    }
    assertThat(fields(readAll(file))).containsExactly(
        first, last, map("a", "only a", "b", null, "l", null));
  }

  @Test
  void recordsThatDifferAmongTheFirstThousandShareOneSchema() throws IOException {
    Path file = dir.resolve("varied.parquet");
    List<Map<String, Object>> rows = List.of(
        map("id", 1L, "messages", list(map("role", "user", "content", "hi"))),
        map("id", 2.5, "later", "appears", "messages", list(map("role", "assistant",
            "content", null, "tool_calls", list(map("id", "c1")), "tool_call_id", "c0"))),
        map("id", 3L, "mixed", 5L, "empty", map(), "list", list()),
        map("mixed", "text", "empty", map(), "list", list(1L, 2L)),
        map("mixed", map("k", list(true))));
    try (ParquetRowWriter w = new ParquetRowWriter(file, null, null)) {
      for (Map<String, Object> r : rows) {
        w.write(r);
      }
    }
    List<Map<String, Object>> back = fields(readAll(file));
    assertThat(back).hasSize(5);
    assertThat(back.get(0).get("id")).isEqualTo(1.0); // widened: the column holds 2.5 too
    assertThat(back.get(1)).containsEntry("later", "appears");
    assertThat(back.get(2)).containsEntry("mixed", 5L).containsEntry("empty", map())
        .containsEntry("list", list());
    assertThat(back.get(3)).containsEntry("mixed", "text").containsEntry("list", list(1L, 2L));
    assertThat(back.get(4)).containsEntry("mixed", map("k", list(true)));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> messages = (List<Map<String, Object>>) back.get(1).get("messages");
    assertThat(messages.get(0)).containsEntry("tool_call_id", "c0");
  }

  @Test
  void longsFitInt32KnownColumnsWhenInRange() throws IOException {
    Path file = dir.resolve("int32.parquet");
    MessageType known = MessageTypeParser.parseMessageType(
        "message m { optional int32 n; optional float f; }");
    try (ParquetRowWriter w = new ParquetRowWriter(file, known, null)) {
      w.write(map("n", 42L, "f", 0.5));
      assertThatThrownBy(() -> w.write(map("n", 1L << 40)))
          .isInstanceOf(RowSchemaMismatchException.class)
          .hasMessageContaining("field 'n'");
      w.write(map("n", Integer.MIN_VALUE, "f", null));
    }
    assertThat(fields(readAll(file))).containsExactly(
        map("n", 42L, "f", 0.5), map("n", (long) Integer.MIN_VALUE, "f", null));
  }

  @Test
  void anEmptyWriterStillMakesAValidFile() throws IOException {
    Path file = dir.resolve("empty-v1.parquet");
    new ParquetRowWriter(file, NemotronParquetSchema.V1, null).close();
    assertThat(readAll(file)).isEmpty();
    assertThat(ParquetFiles.schemaOf(file)).isEqualTo(NemotronParquetSchema.V1);

    Path noColumns = dir.resolve("empty-inferred.parquet");
    new ParquetRowWriter(noColumns, null, null).close();
    assertThat(readAll(noColumns)).isEmpty();
  }

  @Test
  void manyRowGroupsAreStreamedWithTheirLocations() throws IOException {
    Path file = dir.resolve("groups.parquet");
    int rows = 2_500;
    try (ParquetRowWriter w = new ParquetRowWriter(file, null, CompressionCodecName.ZSTD,
        1024 * 1024, 1000, ParquetRowWriter.SCHEMA_SAMPLE_ROWS)) {
      for (int i = 0; i < rows; i++) {
        w.write(map("i", (long) i, "text", "row " + i, "tags", list("t" + (i % 7))));
      }
    }
    assertThat(ParquetFiles.rowGroupCount(file)).isEqualTo(3);
    try (RowReader r = new ParquetRowReader(file)) {
      for (int i = 0; i < rows; i++) {
        RawRow row = r.next();
        assertThat(row.location())
            .isEqualTo(Location.rowGroup(file.toString(), i / 1000, i % 1000));
        assertThat(row.fields()).isEqualTo(
            map("i", (long) i, "text", "row " + i, "tags", list("t" + (i % 7))));
      }
      assertThat(r.next()).isNull();
    }
    // A range of row groups keeps the file's row group numbers.
    try (RowReader r = ParquetFiles.openRowGroups(file, 1, 1)) {
      RawRow row = r.next();
      assertThat(row.location()).isEqualTo(Location.rowGroup(file.toString(), 1, 0));
      assertThat(row.fields().get("i")).isEqualTo(1000L);
      int n = 1;
      while (r.next() != null) {
        n++;
      }
      assertThat(n).isEqualTo(1000);
    }
    try (RowReader r = ParquetFiles.openRowGroups(file, 3, 5)) {
      assertThat(r.next()).isNull();
    }
  }

  private static ParquetWriter<Group> exampleWriter(Path file, MessageType schema)
      throws IOException {
    return ExampleParquetWriter.builder(new LocalOutputFile(file))
        .withConf(new PlainParquetConfiguration())
        .withType(schema)
        .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
        .build();
  }

  @Test
  void legacyListFormsAreRead() throws IOException {
    Path file = dir.resolve("legacy.parquet");
    MessageType schema = MessageTypeParser.parseMessageType("""
        message legacy {
          required int64 id;
          optional group two_level (LIST) { repeated binary str (UTF8); }
          optional group records (LIST) {
            repeated group array { optional binary a (UTF8); optional int32 b; }
          }
          optional group hive (LIST) {
            repeated group bag { optional binary array_element (STRING); }
          }
          repeated int32 bare;
          optional group kv (MAP) {
            repeated group key_value { required binary key (STRING); optional double value; }
          }
        }
        """);
    SimpleGroupFactory f = new SimpleGroupFactory(schema);
    try (ParquetWriter<Group> w = exampleWriter(file, schema)) {
      Group g = f.newGroup().append("id", 1L);
      Group two = g.addGroup("two_level");
      two.append("str", "x").append("str", "y");
      Group recs = g.addGroup("records");
      recs.addGroup("array").append("a", "p").append("b", 1);
      recs.addGroup("array").append("b", 2);
      Group hive = g.addGroup("hive");
      hive.addGroup("bag").append("array_element", "h1");
      hive.addGroup("bag");
      g.append("bare", 5).append("bare", 6);
      Group kv = g.addGroup("kv");
      kv.addGroup("key_value").append("key", "k1").append("value", 1.5);
      kv.addGroup("key_value").append("key", "k2");
      w.write(g);
      w.write(f.newGroup().append("id", 2L));
    }
    List<Map<String, Object>> rows = fields(readAll(file));
    assertThat(rows.get(0)).isEqualTo(map(
        "id", 1L,
        "two_level", list("x", "y"),
        "records", list(map("a", "p", "b", 1L), map("a", null, "b", 2L)),
        "hive", list("h1", null),
        "bare", list(5L, 6L),
        "kv", map("k1", 1.5, "k2", null)));
    assertThat(rows.get(1)).isEqualTo(map(
        "id", 2L, "two_level", null, "records", null, "hive", null, "bare", list(), "kv", null));
  }

  @Test
  void invalidUtf8MakesOnlyThatRowBadAndNamesTheColumn() throws IOException {
    Path file = dir.resolve("utf8.parquet");
    MessageType schema = MessageTypeParser.parseMessageType("""
        message m {
          optional binary uuid (STRING);
          optional group messages (LIST) {
            repeated group list {
              optional group element { optional binary role (STRING); optional binary content (STRING); }
            }
          }
        }
        """);
    byte[] invalid = {'b', 'a', 'd', (byte) 0xC3, (byte) 0x28, '!'};
    SimpleGroupFactory f = new SimpleGroupFactory(schema);
    try (ParquetWriter<Group> w = exampleWriter(file, schema)) {
      for (int i = 0; i < 3; i++) {
        Group g = f.newGroup().append("uuid", "u" + i);
        Group el = g.addGroup("messages").addGroup("list").addGroup("element");
        el.append("role", "user");
        if (i == 1) {
          el.add("content", Binary.fromConstantByteArray(invalid));
        } else {
          el.append("content", "fine \uFFFD " + i); // a genuine U+FFFD is valid
        }
        w.write(g);
      }
    }
    List<RawRow> rows = readAll(file);
    assertThat(rows).hasSize(3);
    assertThat(rows.get(0).isBad()).isFalse();
    assertThat(rows.get(0).fields().get("messages"))
        .isEqualTo(list(map("role", "user", "content", "fine \uFFFD 0")));
    assertThat(rows.get(1).isBad()).isTrue();
    assertThat(rows.get(1).error()).isEqualTo("invalid UTF-8 in column messages.content");
    assertThat(rows.get(1).location()).isEqualTo(Location.rowGroup(file.toString(), 0, 1));
    assertThat(rows.get(1).raw()).contains("\"u1\"").contains("bad\uFFFD(!");
    assertThat(rows.get(2).isBad()).isFalse();
    assertThat(rows.get(2).fields().get("uuid")).isEqualTo("u2");
  }

  @Test
  void invalidUtf8InADictionaryEncodedColumnMarksEveryRowThatUsesIt() throws IOException {
    Path file = dir.resolve("utf8-dict.parquet");
    MessageType schema = MessageTypeParser.parseMessageType(
        "message m { optional binary s (STRING); }");
    SimpleGroupFactory f = new SimpleGroupFactory(schema);
    try (ParquetWriter<Group> w = exampleWriter(file, schema)) {
      for (int i = 0; i < 10; i++) {
        Group g = f.newGroup();
        if (i % 2 == 0) {
          g.append("s", "ok");
        } else {
          g.add("s", Binary.fromConstantByteArray(new byte[] {(byte) 0xFF}));
        }
        w.write(g);
      }
    }
    List<RawRow> rows = readAll(file);
    for (int i = 0; i < 10; i++) {
      assertThat(rows.get(i).isBad()).isEqualTo(i % 2 == 1);
    }
    assertThat(rows.get(1).error()).isEqualTo("invalid UTF-8 in column s");
  }

  private static void assertOneLineError(Path file, String expected) {
    assertThatThrownBy(() -> readAll(file))
        .isInstanceOf(RefineryException.class)
        .hasMessageStartingWith(file + ": " + expected)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void badFilesGiveOneLineErrorsNamingTheFile() throws IOException {
    Path notParquet = dir.resolve("text.parquet");
    Files.writeString(notParquet, "{\"a\": 1}\n{\"a\": 2}\n");
    assertOneLineError(notParquet, "not a Parquet file (bad magic bytes)");

    Path empty = dir.resolve("empty.parquet");
    Files.write(empty, new byte[0]);
    assertOneLineError(empty, "not a Parquet file");

    Path good = dir.resolve("good.parquet");
    write(good, null, null, nestedRows());
    byte[] bytes = Files.readAllBytes(good);

    Path truncated = dir.resolve("truncated.parquet");
    Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
    assertOneLineError(truncated, "truncated or corrupt Parquet file");

    Path cutFooter = dir.resolve("cut-footer.parquet");
    byte[] broken = bytes.clone();
    // Keep the magic bytes at both ends but garble the footer.
    for (int i = broken.length - 60; i < broken.length - 8; i++) {
      broken[i] = (byte) 0xEE;
    }
    Files.write(cutFooter, broken);
    assertOneLineError(cutFooter, "truncated or corrupt Parquet file");

    Path tiny = dir.resolve("tiny.parquet");
    Files.write(tiny, "PAR1".getBytes(StandardCharsets.US_ASCII));
    assertOneLineError(tiny, "truncated or corrupt Parquet file");

    assertThatThrownBy(() -> RowReaders.open(new InputFile(notParquet, null, FileKind.PARQUET)))
        .isInstanceOf(RefineryException.class)
        .hasMessage(notParquet + ": not a Parquet file (bad magic bytes)");
  }

  @Test
  void aCorruptRowGroupNamesTheFileAndRowGroup() throws IOException {
    Path good = dir.resolve("good.parquet");
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      rows.add(map("text", "some text that compresses " + i + " ".repeat(i % 50)));
    }
    write(good, null, CompressionCodecName.ZSTD, rows);
    byte[] bytes = Files.readAllBytes(good);
    // Garble the data pages (after the leading magic), leaving the footer intact.
    for (int i = 200; i < 2000; i++) {
      bytes[i] = (byte) (bytes[i] ^ 0x5A);
    }
    Path corrupt = dir.resolve("corrupt.parquet");
    Files.write(corrupt, bytes);
    assertOneLineError(corrupt, "corrupt row group 0");
  }
}
