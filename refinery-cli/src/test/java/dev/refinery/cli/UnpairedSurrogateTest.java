package dev.refinery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lone surrogate ("\ud800" in JSON, or its CESU-8 bytes) used to become '?' in Parquet and
 * U+FFFD in tokens, silently. The rule now, in every command and output format: the record is
 * rejected with its file, line and the field, never changed.
 */
class UnpairedSurrogateTest {
  @TempDir Path dir;
  Path in;

  private static final String REASON = "invalid Unicode: unpaired surrogate \\ud800 at "
      + "messages[0].content";

  @BeforeEach
  void input() throws Exception {
    in = dir.resolve("in.jsonl");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.writeBytes(("{\"messages\": [{\"role\": \"user\", \"content\": \"fine \\ud83d\\ude00\"}, "
        + "{\"role\": \"assistant\", \"content\": \"ok\"}]}\n"
        + "{\"messages\": [{\"role\": \"user\", \"content\": \"lone \\ud800 here\"}, "
        + "{\"role\": \"assistant\", \"content\": \"ok\"}]}\n"
        + "{\"messages\": [{\"role\": \"user\", \"content\": \"bytes ").getBytes(
            StandardCharsets.UTF_8));
    bytes.writeBytes(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80});
    bytes.writeBytes(("\"}, {\"role\": \"assistant\", \"content\": \"ok\"}]}\n").getBytes(
        StandardCharsets.UTF_8));
    Files.write(in, bytes.toByteArray());
  }

  @Test
  void convertRejectsTheRecordTheSameForParquetAndJsonl() throws Exception {
    for (String out : List.of("out.parquet", "out.jsonl")) {
      Path rejects = dir.resolve(out + ".rejects.jsonl");
      Cli cli = Cli.run("convert", "--to", "nemotron", "--rejects", rejects.toString(),
          in.toString(), dir.resolve(out).toString());
      assertThat(cli.status()).as(cli.err()).isZero();
      assertThat(cli.out()).as(out).startsWith("read 3, written 1, rejected 2");
      List<String> set = Files.readAllLines(rejects);
      assertThat(set).as(out).hasSize(2);
      // The rejects file is JSON: its reason escapes the backslash.
      String inJson = REASON.replace("\\", "\\\\");
      assertThat(set.get(0)).contains("\"line\":2").contains(inJson);
      assertThat(set.get(1)).contains("\"line\":3").contains(inJson);

      Path back = dir.resolve(out + ".back.jsonl");
      Cli again = Cli.run("convert", "--to", "openai", dir.resolve(out).toString(),
          back.toString());
      assertThat(again.status()).as(again.err()).isZero();
      // The valid pair is kept as it was; nothing became '?' or U+FFFD.
      String kept = Files.readString(back);
      assertThat(kept).contains("fine \\uD83D\\uDE00").doesNotContain("?").doesNotContain("\uFFFD");
    }

    Cli stop = Cli.run("convert", "--to", "nemotron", in.toString(),
        dir.resolve("stop.parquet").toString());
    assertThat(stop.status()).isEqualTo(1);
    assertThat(stop.err()).startsWith("error: " + in + ":2: " + REASON).hasLineCount(1);
  }

  @Test
  void tokenizeStopsAtTheRecordNamingItsLine() {
    Cli cli = Cli.run("tokenize", in.toString(), dir.resolve("tok.jsonl").toString(),
        "--tokenizer", "cl100k_base", "--template", "chatml", "--max-length", "100");
    assertThat(cli.status()).isEqualTo(1);
    assertThat(cli.err()).startsWith("error: " + in + ":2: " + REASON).hasLineCount(1);
  }
}
