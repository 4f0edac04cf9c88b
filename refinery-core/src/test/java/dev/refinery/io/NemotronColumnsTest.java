package dev.refinery.io;

import static dev.refinery.io.ParquetRowReaderWriterTest.list;
import static dev.refinery.io.ParquetRowReaderWriterTest.map;
import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.dataset.Rejected;
import dev.refinery.dataset.SampleReader;
import dev.refinery.demo.SampleData;
import dev.refinery.format.Formats;
import dev.refinery.stats.DatasetStats;
import dev.refinery.stats.StatsCollector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code refinery stats} reads Nemotron Parquet column by column ({@link NemotronColumns}); these
 * tests hold it to the figures and rejects of decoding every row into a sample, the way it read
 * before, on files with every edge the decoder has.
 */
class NemotronColumnsTest {
  @TempDir
  Path dir;

  /** Stats as every row decoded into a Sample gives them, and the rejects on the way. */
  private static DatasetStats decodingEveryRow(List<InputFile> files, List<Rejected> rejects) {
    DatasetStats total = DatasetStats.EMPTY;
    for (InputFile f : files) {
      StatsCollector c = new StatsCollector(f.split());
      try (SampleReader r = SampleReader.open(f, Formats.nemotron(), rejects::add)) {
        while (r.hasNext()) {
          c.add(r.next());
        }
        c.addMalformed(r.rejected());
      }
      total = total.plus(c.result());
    }
    return total;
  }

  private static DatasetStats assertSameAsDecodingEveryRow(List<InputFile> files) {
    List<Rejected> expectedRejects = new ArrayList<>();
    DatasetStats expected = decodingEveryRow(files, expectedRejects);
    // Two threads also read the largest file's text pages ahead (it holds most of the bytes).
    for (int threads : new int[] {1, 2, 3}) {
      List<Rejected> rejects = Collections.synchronizedList(new ArrayList<>());
      DatasetStats got = StatsCollector.collect(files, Formats.nemotron(), rejects::add, threads);
      assertThat(got).isEqualTo(expected);
      assertThat(got.toJson()).isEqualTo(expected.toJson());
      assertThat(rejects).containsExactlyInAnyOrderElementsOf(expectedRejects);
    }
    return expected;
  }

  /** How many row groups of the file the column reader takes, and how many it leaves. */
  private static int[] scanned(Path file) throws IOException {
    try (NemotronColumns c = NemotronColumns.open(new InputFile(file, null, FileKind.PARQUET))) {
      assertThat(c).as("%s is read column by column", file).isNotNull();
      int[] taken = new int[2];
      for (int g = 0; g < c.rowGroupCount(); g++) {
        // The stats side checks the two texts it measures, as it measures them.
        boolean scanned = c.scan(g, CHECK_TEXT);
        // A row group the reader gives up on is read row by row, right whatever went wrong:
        // the pages read ahead must not make it give up where it does not without.
        assertThat(c.scan(g, CHECK_TEXT, true)).as("row group %d, pages read ahead", g)
            .isEqualTo(scanned);
        taken[scanned ? 0 : 1]++;
      }
      return taken;
    }
  }

  private static final NemotronColumns.Rows CHECK_TEXT = new NemotronColumns.Rows() {
    @Override
    public boolean text(boolean last, NemotronColumns.Text t) {
      return dev.refinery.internal.Utf8.isValid(t.bytes(), t.from(), t.to());
    }

    @Override
    public void row(String license, String generator, String version, String category,
        String reasoning, int turns, int toolCalls) {
    }
  };

  private static void write(Path file, List<Map<String, Object>> rows, int rowsPerGroup)
      throws IOException {
    write(file, rows, rowsPerGroup, CompressionCodecName.ZSTD);
  }

  private static void write(Path file, List<Map<String, Object>> rows, int rowsPerGroup,
      CompressionCodecName codec) throws IOException {
    try (ParquetRowWriter w = new ParquetRowWriter(file, NemotronParquetSchema.V1,
        codec, 64L << 20, rowsPerGroup, 1000)) {
      for (Map<String, Object> row : rows) {
        w.write(row);
      }
    }
  }

  @Test
  void generatedDataInOneAndInManyRowGroupsGivesTheSameStats() throws IOException {
    Path generated = dir.resolve("generated");
    // Planted: think tags unterminated, empty or stray, tool calls, non-JSON metadata, ...
    SampleData.write(generated, SampleData.Spec.of(2500, 3));
    List<InputFile> files = Inputs.resolve(generated.toString());
    assertThat(files).hasSizeGreaterThan(3);
    DatasetStats stats = assertSameAsDecodingEveryRow(files);
    assertThat(stats.toolCalls().max()).isPositive();
    assertThat(stats.samplesWithReasoning()).isPositive();

    Path regrouped = dir.resolve("regrouped/data");
    Files.createDirectories(regrouped);
    int groups = 0;
    for (InputFile f : files) {
      List<Map<String, Object>> rows = new ArrayList<>();
      try (RowReader r = new ParquetRowReader(f.path())) {
        RawRow row;
        while ((row = r.next()) != null) {
          rows.add(row.fields());
        }
      }
      Path copy = regrouped.resolve(f.path().getFileName());
      // Other codecs hand out pages as streams that can be read once.
      write(copy, rows, 97, groups % 2 == 0 ? CompressionCodecName.ZSTD
          : CompressionCodecName.SNAPPY);
      int[] taken = scanned(copy);
      assertThat(taken[1]).isZero();
      groups += taken[0];
    }
    assertThat(groups).isGreaterThan(2 * files.size());
    assertThat(assertSameAsDecodingEveryRow(Inputs.resolve(regrouped.toString())))
        .isEqualTo(stats);
  }

  private static Map<String, Object> row(String uuid, Object messages) {
    return map("uuid", uuid, "license", "cc-by-4.0", "generator", "g", "version", "v1",
        "category", "math", "reasoning", "on", "messages", messages, "metadata", null);
  }

  private static Map<String, Object> msg(String role, String content) {
    return map("role", role, "content", content, "tool_calls", null);
  }

  private static Map<String, Object> call(String id) {
    return map("id", id, "type", "function", "function", map("name", "f", "arguments", "{}"));
  }

  @Test
  void rowsTheDecoderRejectsSendTheirRowGroupToIt() throws IOException {
    List<Map<String, Object>> fine = List.of(
        row("plain", list(msg("system", "be brief"), msg("user", "héllo 😀"),
            msg("assistant", "<think>\n abc \n</think>\n\n  42 😀 "))),
        row("no messages", list()),
        row("no user, no assistant", list(msg("system", "s"), msg("tool", "t"))),
        row("null contents", list(msg("user", null), msg("assistant", null))),
        row("later user, earlier assistant", list(msg("assistant", "first"), msg("user", "u1"),
            msg("user", "u2 longer"), msg("assistant", " before <think>t</think> after "),
            msg("tool", "x"))),
        row("tool calls", list(msg("user", "weather?"),
            map("role", "assistant", "content", null, "tool_calls", list(call("a"), call("b"))),
            map("role", "tool", "content", "{}", "tool_calls", list()),
            map("role", "assistant", "content", "</think>stray\u2003", "tool_calls",
                list(map("id", null, "type", null, "function", null))))),
        map("uuid", null, "license", null, "generator", null, "version", null, "category", null,
            "reasoning", null, "messages", list(msg("user", "\u3000x\u00A0")), "metadata",
            "{\"a\": \"é\"}"),
        // Checked-only columns that are not plain ASCII bytes: a long uuid (its length prefix
        // is not) and non-ASCII metadata are checked value by value.
        row("u".repeat(300), list(msg("user", "q"))));
    List<Map<String, Object>> rejected = List.of(
        row("messages null", null),
        row("a null message", list(msg("user", "q"), null)),
        row("a null role", list(msg(null, "q"))),
        row("an empty role", list(msg("", "q"))),
        row("a null tool call", list(msg("user", "q"),
            map("role", "assistant", "content", "a", "tool_calls", list(call("c"), null)))));
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Map<String, Object> bad : rejected) {
      rows.addAll(fine);
      rows.add(bad);
    }
    rows.addAll(fine);
    Path file = dir.resolve("data/edges-00000-of-00001.parquet");
    Files.createDirectories(file.getParent());
    write(file, rows, fine.size() + 1);

    // Row groups 0-4 each end with a rejected row; the last one holds only fine rows.
    assertThat(scanned(file)).containsExactly(1, rejected.size());
    DatasetStats stats = assertSameAsDecodingEveryRow(Inputs.resolve(dir.toString()));
    assertThat(stats.malformedSamples()).isEqualTo(rejected.size());
    assertThat(stats.decodedSamples()).isEqualTo((rejected.size() + 1L) * fine.size());
  }

  @Test
  void invalidUtf8AnywhereSendsTheRowGroupToTheDecoder() throws IOException {
    byte[] invalid = {'b', 'a', 'd', (byte) 0xC3, (byte) 0x28};
    SimpleGroupFactory f = new SimpleGroupFactory(NemotronParquetSchema.V1);
    String[] where = {"none", "uuid", "license", "role", "first user", "middle", "final",
        "tool call id", "arguments", "metadata"};
    Path data = dir.resolve("data");
    Files.createDirectories(data);
    for (int i = 0; i < where.length; i++) {
      Path file = data.resolve("part" + i + "-00000-of-00001.parquet");
      try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(file))
          .withConf(new PlainParquetConfiguration()).withType(NemotronParquetSchema.V1)
          .withCompressionCodec(CompressionCodecName.ZSTD)
          .withWriteMode(ParquetFileWriter.Mode.OVERWRITE).build()) {
        for (int r = 0; r < 3; r++) {
          String bad = r == 1 ? where[i] : "none";
          Group g = f.newGroup();
          text(g, "uuid", "u" + r, bad.equals("uuid"), invalid);
          text(g, "license", "cc", bad.equals("license"), invalid);
          g.append("reasoning", "off");
          Group list = g.addGroup("messages");
          String[][] turns = {{"user", "first user"}, {"assistant", "middle"},
              {"assistant", "final"}};
          for (String[] turn : turns) {
            Group m = list.addGroup("list").addGroup("element");
            text(m, "role", turn[0], bad.equals("role"), invalid);
            text(m, "content", "text of " + turn[1], bad.equals(turn[1]), invalid);
            if (turn[1].equals("final")) {
              Group c = m.addGroup("tool_calls").addGroup("list").addGroup("element");
              text(c, "id", "c1", bad.equals("tool call id"), invalid);
              Group fn = c.addGroup("function");
              fn.append("name", "f");
              text(fn, "arguments", "{}", bad.equals("arguments"), invalid);
            }
          }
          text(g, "metadata", "{}", bad.equals("metadata"), invalid);
          w.write(g);
        }
      }
      assertThat(scanned(file)).as(where[i]).containsExactly(i == 0 ? 1 : 0, i == 0 ? 0 : 1);
    }
    DatasetStats stats = assertSameAsDecodingEveryRow(Inputs.resolve(dir.toString()));
    assertThat(stats.malformedSamples()).isEqualTo(where.length - 1);
  }

  private static void text(Group g, String field, String value, boolean bad, byte[] invalid) {
    if (bad) {
      g.add(field, Binary.fromConstantByteArray(invalid));
    } else {
      g.append(field, value);
    }
  }

  @Test
  void textPagesReadAheadIntoReusedArraysGiveTheSameStats() throws IOException {
    // Small pages: hundreds of them in the text column, so the arrays they are decompressed into
    // go round the ring many times, and rows span pages.
    Path file = dir.resolve("data/pages-00000-of-00001.parquet");
    Files.createDirectories(file.getParent());
    SimpleGroupFactory f = new SimpleGroupFactory(NemotronParquetSchema.V1);
    java.util.Random random = new java.util.Random(3);
    String[] words = {"alpha", "é", "😀", " ", "\n", "<think>", "</think>", "\u2003", "漢字"};
    try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(file))
        .withConf(new PlainParquetConfiguration()).withType(NemotronParquetSchema.V1)
        .withCompressionCodec(CompressionCodecName.ZSTD).withPageSize(2048)
        .withDictionaryEncoding(false).withWriteMode(ParquetFileWriter.Mode.OVERWRITE).build()) {
      for (int r = 0; r < 1500; r++) {
        Group g = f.newGroup().append("uuid", "u" + r)
            .append("reasoning", r % 2 == 0 ? "on" : "off");
        Group list = g.addGroup("messages");
        int turns = 1 + random.nextInt(6);
        for (int t = 0; t < turns; t++) {
          StringBuilder text = new StringBuilder();
          for (int k = random.nextInt(r % 50 == 0 ? 3000 : 200); k > 0; k--) {
            text.append(words[random.nextInt(words.length)]);
          }
          Group m = list.addGroup("list").addGroup("element");
          m.append("role", t % 2 == 0 ? "user" : "assistant");
          m.append("content", text.toString());
        }
        w.write(g);
      }
    }
    assertThat(scanned(file)).containsExactly(1, 0);
    assertSameAsDecodingEveryRow(Inputs.resolve(dir.toString()));
  }

  @Test
  void otherSchemasAreReadRowByRow() throws IOException {
    Path file = dir.resolve("data/extra-00000-of-00001.parquet");
    Files.createDirectories(file.getParent());
    Map<String, Object> r = row("u", list(msg("user", "q"), msg("assistant", "a")));
    r.put("source", "web");
    ParquetRowReaderWriterTest.write(file, NemotronParquetSchema.V1, CompressionCodecName.ZSTD,
        List.of(r));
    assertThat(NemotronColumns.open(new InputFile(file, null, FileKind.PARQUET))).isNull();
    assertThat(assertSameAsDecodingEveryRow(Inputs.resolve(dir.toString())).totalSamples())
        .isEqualTo(1);
  }
}
