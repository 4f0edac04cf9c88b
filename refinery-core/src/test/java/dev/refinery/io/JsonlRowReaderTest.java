package dev.refinery.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonlRowReaderTest {
  @TempDir Path dir;

  private List<RawRow> readAll(Path file) throws IOException {
    List<RawRow> rows = new ArrayList<>();
    try (RowReader r = RowReaders.open(new InputFile(file, null, Inputs.kindOf(file)))) {
      RawRow row;
      while ((row = r.next()) != null) {
        rows.add(row);
      }
    }
    return rows;
  }

  @Test
  void badLinesAreReportedWithTheirNumberAndReadingGoesOn() throws IOException {
    Path file = dir.resolve("x.jsonl");
    Files.writeString(file, "{\"a\":1}\n\n{\"a\":2\n[1,2]\n{\"a\":\"é\"}\r\n");
    List<RawRow> rows = readAll(file);
    assertThat(rows).hasSize(4);
    assertThat(rows.get(0).fields()).containsEntry("a", 1L);
    assertThat(rows.get(0).location().line()).isEqualTo(1);
    assertThat(rows.get(1).isBad()).isTrue();
    assertThat(rows.get(1).location().toString()).endsWith("x.jsonl:3");
    assertThat(rows.get(1).error()).startsWith("invalid JSON").doesNotContain("\n")
        .doesNotContain("Source");
    assertThat(rows.get(1).raw()).isEqualTo("{\"a\":2");
    assertThat(rows.get(2).error()).isEqualTo("line is not a JSON object");
    assertThat(rows.get(3).fields()).containsEntry("a", "é");
    assertThat(rows.get(3).location().line()).isEqualTo(5);
  }

  @Test
  void invalidUtf8IsABadLineNotAReplacementCharacter() throws IOException {
    Path file = dir.resolve("bad-utf8.jsonl");
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write("{\"a\":\"ok\"}\n{\"a\":\"".getBytes(StandardCharsets.UTF_8));
      out.write(new byte[] {(byte) 0xC3, (byte) 0x28});
      out.write("\"}\n{\"a\":\"fine\"}\n".getBytes(StandardCharsets.UTF_8));
    }
    List<RawRow> rows = readAll(file);
    assertThat(rows).hasSize(3);
    assertThat(rows.get(1).isBad()).isTrue();
    assertThat(rows.get(1).error()).startsWith("invalid UTF-8: ");
    assertThat(rows.get(1).location().line()).isEqualTo(2);
    assertThat(rows.get(2).fields()).containsEntry("a", "fine");
  }

  @Test
  void byteOrderMarkAndMissingFinalNewlineAreFine() throws IOException {
    Path file = dir.resolve("bom.jsonl");
    Files.write(file, ("\uFEFF{\"a\":1}\n{\"a\":2}").getBytes(StandardCharsets.UTF_8));
    assertThat(readAll(file)).extracting(r -> r.fields().get("a")).containsExactly(1L, 2L);
  }

  @Test
  void compressedFilesReadTheSameAsPlainOnes() throws IOException {
    for (String name : List.of("x.jsonl.gz", "x.jsonl.zst")) {
      Path file = dir.resolve(name);
      try (OutputStream out = Compression.of(file).create(Files.newOutputStream(file))) {
        for (int i = 0; i < 1000; i++) {
          out.write(("{\"i\":" + i + ",\"text\":\"" + "word ".repeat(i % 50) + "\"}\n")
              .getBytes(StandardCharsets.UTF_8));
        }
      }
      List<RawRow> rows = readAll(file);
      assertThat(rows).hasSize(1000);
      assertThat(rows.get(999).fields()).containsEntry("i", 999L);
      assertThat(rows.get(999).location().line()).isEqualTo(1000);
    }
  }

  @Test
  void jsonArrayFilesStreamTheirElementsWithLineNumbers() throws IOException {
    Path file = dir.resolve("rows.json");
    Files.writeString(file, "[\n  {\"a\": 1},\n  {\"a\": 2},\n  3\n]\n");
    List<RawRow> rows = readAll(file);
    assertThat(rows).hasSize(3);
    assertThat(rows.get(1).location().line()).isEqualTo(3);
    assertThat(rows.get(2).error()).isEqualTo("array element is not a JSON object");
  }

  @Test
  void aSyntaxErrorInsideAnArrayEndsTheFileWithOneBadRow() throws IOException {
    Path file = dir.resolve("broken.json");
    Files.writeString(file, "[\n{\"a\": 1},\n{\"a\": },\n{\"a\": 3}\n]");
    List<RawRow> rows = readAll(file);
    assertThat(rows).hasSize(2);
    assertThat(rows.get(1).error()).contains("rest of the file cannot be read");
    assertThat(rows.get(1).location().line()).isEqualTo(3);
  }

  @Test
  void dotJsonHoldingJsonLinesIsReadAsJsonLines() throws IOException {
    Path file = dir.resolve("lines.json");
    Files.writeString(file, "{\"a\":1}\n{\"a\":2}\n");
    assertThat(Inputs.kindOf(file)).isEqualTo(FileKind.JSONL);
    assertThat(readAll(file)).hasSize(2);
  }

  @Test
  void aPrettyPrintedObjectFileIsOneRecordPerObject() throws IOException {
    Path file = dir.resolve("conversation.json");
    Files.writeString(file, "{\n  \"conversations\": [\n    {\"from\": \"human\"}\n  ]\n}\n{\"a\": 2}\n");
    assertThat(Inputs.kindOf(file)).isEqualTo(FileKind.JSON_ARRAY);
    List<RawRow> rows = readAll(file);
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0).fields()).containsKey("conversations");
    assertThat(rows.get(1).location().line()).isEqualTo(6);
  }

  @Test
  void theRealAxolotlConversationFileIsOneRecord() throws IOException {
    Path file = dev.refinery.TestData.file("axolotl-fixtures/conversation.json");
    List<RawRow> rows = readAll(file);
    assertThat(rows).hasSize(1);
    assertThat((List<?>) rows.get(0).fields().get("conversations")).hasSize(12);
  }
}
