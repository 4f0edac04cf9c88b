package dev.refinery.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Text that reaches a writer with an unpaired surrogate (from a server's reply, say) is refused,
 * row by row, by both writers: Parquet used to store it as '?' without a word.
 */
class UnpairedSurrogateWriterTest {
  @TempDir Path dir;

  @Test
  void bothWritersRefuseTheRowAndKeepTheOthers() throws Exception {
    Map<String, Object> good = Map.of("text", "pair \uD83D\uDE00");
    Map<String, Object> bad = Map.of("text", "ok", "tags", List.of("x", "lone \uD800"));
    for (FileKind kind : List.of(FileKind.PARQUET, FileKind.JSONL)) {
      Path file = dir.resolve(kind == FileKind.PARQUET ? "out.parquet" : "out.jsonl");
      try (RowWriter w = RowWriters.open(file, kind, Compression.NONE, null, null)) {
        w.write(good);
        assertThatThrownBy(() -> w.write(bad)).as(kind.name())
            .isInstanceOf(RowSchemaMismatchException.class)
            .hasMessageContaining("unpaired surrogate \\ud800")
            .hasMessageContaining("tags");
        w.write(good);
      }
      List<RawRow> rows = new java.util.ArrayList<>();
      try (RowReader r = RowReaders.open(new InputFile(file, null, kind))) {
        for (RawRow row; (row = r.next()) != null; ) {
          rows.add(row);
        }
      }
      assertThat(rows).as(kind.name()).hasSize(2)
          .allSatisfy(row -> assertThat(row.fields()).isEqualTo(good));
    }
  }
}
