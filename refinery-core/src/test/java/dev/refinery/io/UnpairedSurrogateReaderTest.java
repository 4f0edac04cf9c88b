package dev.refinery.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both JSON readers walk a record's strings for an unpaired surrogate only when its bytes may
 * spell one; every way of spelling one is still found, in JSON Lines and in a streamed JSON array
 * where the bytes fall anywhere in the parser's reads.
 */
class UnpairedSurrogateReaderTest {
  @TempDir Path dir;

  private static final List<byte[]> RECORDS = List.of(
      utf8("{\"t\": \"lone \\uD800 upper\"}"),
      utf8("{\"t\": \"low \\udfff first\"}"),
      utf8("{\"\\ud800key\": 1}"),
      cesu(),
      utf8("{\"t\": \"pair \\ud83d\\ude00\"}"),
      utf8("{\"t\": \"escaped backslash \\\\ud800\"}"),
      utf8("{\"m\": [{\"c\": [\"x\", \"\\uDBFF\"]}]}"),
      utf8("{\"t\": \"plain\"}"));

  private static final List<String> EXPECTED = List.of(
      "\\ud800 at t", "\\udfff at t", "\\ud800 at a key", "\\udc00 at t", "ok", "ok",
      "\\udbff at m[0].c[1]", "ok");

  @Test
  void everySpellingIsFoundByBothReaders() throws IOException {
    ByteArrayOutputStream lines = new ByteArrayOutputStream();
    ByteArrayOutputStream array = new ByteArrayOutputStream();
    array.write('[');
    for (int i = 0; i < RECORDS.size(); i++) {
      lines.writeBytes(RECORDS.get(i));
      lines.write('\n');
      array.writeBytes(utf8(i == 0 ? "\n" : ",\n"));
      array.writeBytes(RECORDS.get(i));
    }
    array.writeBytes(utf8("\n]\n"));
    Path jsonl = Files.write(dir.resolve("x.jsonl"), lines.toByteArray());
    Path json = Files.write(dir.resolve("x.json"), array.toByteArray());
    for (Path file : List.of(jsonl, json)) {
      List<RawRow> rows = readAll(file);
      assertThat(rows).as(file.toString()).hasSize(RECORDS.size());
      for (int i = 0; i < rows.size(); i++) {
        RawRow row = rows.get(i);
        if (EXPECTED.get(i).equals("ok")) {
          assertThat(row.isBad()).as(file + " record " + i + ": " + row.error()).isFalse();
        } else {
          assertThat(row.error()).as(file + " record " + i)
              .isEqualTo("invalid Unicode: unpaired surrogate " + EXPECTED.get(i)
                  + " (no UTF-8 text can hold it; fix or drop the record)");
        }
      }
    }
  }

  @Test
  void aStreamedArrayFindsEveryOneWhereverItsBytesFallInTheReads() throws IOException {
    ByteArrayOutputStream array = new ByteArrayOutputStream();
    array.write('[');
    List<Integer> planted = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      // Padding of every length moves the escape across the parser's read boundaries.
      // Low before high: where both stand they are still no pair.
      String text = "x".repeat(i % 97) + (i % 43 == 0 ? "\\uDFFF" : "")
          + (i % 41 == 0 ? "\\ud800" : "");
      if (i % 41 == 0 || i % 43 == 0) {
        planted.add(i);
      }
      array.writeBytes(utf8((i == 0 ? "\n" : ",\n") + "{\"i\": " + i + ", \"t\": \"" + text + "\"}"));
    }
    array.writeBytes(utf8("\n]\n"));
    Path json = Files.write(dir.resolve("many.json"), array.toByteArray());
    List<RawRow> rows = readAll(json);
    assertThat(rows).hasSize(5000);
    List<Integer> bad = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      if (rows.get(i).isBad()) {
        bad.add(i);
        assertThat(rows.get(i).location().line()).isEqualTo(i + 2);
      }
    }
    assertThat(bad).isEqualTo(planted);
  }

  @Test
  void theWatchSeesBytesSplitBetweenReadsOfAnySize() throws IOException {
    for (String spelled : List.of("\\uD800", "\\udfff", "\u00ed\u00a0")) {
      for (int at = 0; at < 12; at++) {
        for (int chunk = 1; chunk <= 7; chunk++) {
          byte[] bytes = ("y".repeat(at) + spelled + "y".repeat(9)).getBytes(
              spelled.startsWith("\\") ? StandardCharsets.US_ASCII : StandardCharsets.ISO_8859_1);
          assertThat(watched(bytes, chunk).maySpellSurrogateFrom(at))
              .as(spelled + " at " + at + " read " + chunk + " at a time").isTrue();
          assertThat(watched(bytes, chunk).maySpellSurrogateFrom(bytes.length)).isFalse();
        }
      }
    }
    assertThat(watched(utf8("{\"t\": \"\\u00e9 \\u0041 \u00e9\"}"), 2).maySpellSurrogateFrom(0))
        .isFalse();
  }

  /** All of {@code bytes} read through a watch, at most {@code chunk} bytes a read. */
  private static SurrogateWatch watched(byte[] bytes, int chunk) throws IOException {
    InputStream source = new ByteArrayInputStream(bytes) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(len, chunk));
      }
    };
    SurrogateWatch watch = new SurrogateWatch(source);
    byte[] buffer = new byte[64];
    while (watch.read(buffer, 0, buffer.length) >= 0) {
      // read to the end
    }
    return watch;
  }

  private List<RawRow> readAll(Path file) throws IOException {
    List<RawRow> rows = new ArrayList<>();
    try (RowReader r = RowReaders.open(new InputFile(file, null, Inputs.kindOf(file)))) {
      for (RawRow row; (row = r.next()) != null; ) {
        rows.add(row);
      }
    }
    return rows;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** A lone low surrogate as the CESU-8 bytes ED B0 80, not as an escape. */
  private static byte[] cesu() {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(utf8("{\"t\": \"bytes "));
    b.writeBytes(new byte[] {(byte) 0xED, (byte) 0xB0, (byte) 0x80});
    b.writeBytes(utf8("\"}"));
    return b.toByteArray();
  }
}
