package dev.refinery.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputSplitTest {
  @TempDir Path dir;

  private static List<RawRow> read(InputSplit split) throws IOException {
    List<RawRow> rows = new ArrayList<>();
    try (RowReader r = RowReaders.open(split)) {
      RawRow row;
      while ((row = r.next()) != null) {
        rows.add(row);
      }
    }
    return rows;
  }

  /** Position, then the record's fields or its error: what must not depend on the split. */
  private static List<String> keys(List<RawRow> rows) {
    return rows.stream().map(r -> r.position() + " " + (r.isBad() ? r.error() : r.fields()))
        .toList();
  }

  private static final String JSONL = "{\"a\":1}\n\n{\"a\":22}\nnot json\n{\"a\":333}\r\n"
      + "   \n{\"b\":[1,2,3]}\n{\"a\":4}";

  @Test
  void everyLineBelongsToExactlyOneByteRangeWhereverTheCutsFall() throws IOException {
    Path file = dir.resolve("x.jsonl");
    Files.writeString(file, JSONL);
    InputFile in = new InputFile(file, null, FileKind.JSONL);
    List<RawRow> whole = read(InputSplit.whole(in, 0));
    assertThat(whole).hasSize(6);
    // Positions are the byte offsets of the lines' starts.
    assertThat(whole.stream().map(RawRow::position).toList())
        .containsExactly(0L, 9L, 18L, 27L, 42L, 56L);
    long size = Files.size(file);
    // Every pair of cuts: inside a line, at a line's start, at a newline, at the end of file.
    for (long a = 0; a <= size; a++) {
      for (long b = a; b <= size; b++) {
        List<RawRow> parts = new ArrayList<>();
        parts.addAll(read(new InputSplit(in, 0, 0, a)));
        List<RawRow> middle = read(new InputSplit(in, 0, a, b));
        parts.addAll(middle);
        parts.addAll(read(new InputSplit(in, 0, b, size)));
        assertThat(keys(parts)).as("cuts at %d and %d", a, b).isEqualTo(keys(whole));
        for (RawRow r : middle) {
          assertThat(r.position()).isBetween(a, b - 1);
        }
      }
    }
  }

  @Test
  void aBadLineInALaterRangeIsPlacedByItsByteOffset() throws IOException {
    Path file = dir.resolve("x.jsonl");
    Files.writeString(file, JSONL);
    InputFile in = new InputFile(file, null, FileKind.JSONL);
    List<RawRow> range = read(new InputSplit(in, 0, 10, 30));
    assertThat(keys(range)).hasSize(2);
    RawRow bad = range.get(0);
    assertThat(bad.isBad()).isTrue();
    assertThat(bad.location().toString()).isEqualTo(file + " (line at byte 18)");
    // The first range knows line numbers.
    RawRow first = read(new InputSplit(in, 0, 0, 30)).get(2);
    assertThat(first.location().toString()).isEqualTo(file + ":4");
  }

  @Test
  void parquetSplitsAreRunsOfRowGroupsAndRowsKeepTheirIndexInTheFile() throws IOException {
    Path file = dir.resolve("p.parquet");
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("uuid", "u" + i);
      row.put("messages", List.of(Map.of("role", "user", "content", "question " + i)));
      rows.add(row);
    }
    TestParquet.write(file, rows, 7);
    InputFile in = new InputFile(file, null, FileKind.PARQUET);
    assertThat(ParquetFiles.rowGroupCount(file)).isEqualTo(15);
    List<RawRow> whole = read(InputSplit.whole(in, 3));
    assertThat(whole.stream().map(RawRow::position).toList())
        .isEqualTo(java.util.stream.LongStream.range(0, 100).boxed().toList());
    long total = java.util.Arrays.stream(ParquetFiles.rowGroupBytes(file)).sum();
    List<InputSplit> splits = Inputs.splits(List.of(in), total / 4);
    assertThat(splits).hasSizeBetween(4, 5);
    assertThat(splits.get(0).start()).isZero();
    assertThat(splits.get(splits.size() - 1).end()).isEqualTo(15);
    List<RawRow> parts = new ArrayList<>();
    for (int i = 0; i < splits.size(); i++) {
      if (i > 0) {
        assertThat(splits.get(i).start()).isEqualTo(splits.get(i - 1).end());
      }
      parts.addAll(read(splits.get(i)));
    }
    assertThat(keys(parts)).isEqualTo(keys(whole));
    // The same metadata gives the same splits.
    assertThat(Inputs.splits(List.of(in), total / 4)).isEqualTo(splits);
  }

  @Test
  void plannerCutsUncompressedJsonlAndKeepsTheRestWhole() throws IOException {
    Path plain = dir.resolve("a.jsonl");
    Files.writeString(plain, "{\"a\":1}\n".repeat(1000)); // 8000 bytes
    Path gz = dir.resolve("b.jsonl.gz");
    try (var out = Compression.GZIP.create(Files.newOutputStream(gz))) {
      out.write("{\"a\":1}\n".repeat(1000).getBytes(StandardCharsets.UTF_8));
    }
    Path array = dir.resolve("c.json");
    Files.writeString(array, "[" + "{\"a\":1},".repeat(999) + "{\"a\":1}]");
    Path small = dir.resolve("d.jsonl");
    Files.writeString(small, "{\"a\":1}\n");
    List<InputFile> files = List.of(new InputFile(plain, null, FileKind.JSONL),
        new InputFile(gz, null, FileKind.JSONL), new InputFile(array, null, FileKind.JSON_ARRAY),
        new InputFile(small, null, FileKind.JSONL));
    List<InputSplit> splits = Inputs.splits(files, 3000);
    assertThat(splits).extracting(s -> s.fileIndex() + ":" + s.start() + "-" + s.end())
        .containsExactly("0:0-2666", "0:2666-5333", "0:5333-8000",
            "1:0-" + Long.MAX_VALUE, "2:0-" + Long.MAX_VALUE, "3:0-" + Long.MAX_VALUE);
    long lines = 0;
    for (InputSplit s : splits.subList(0, 3)) {
      lines += read(s).size();
    }
    assertThat(lines).isEqualTo(1000);
  }
}
