package dev.refinery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * An I/O error that reaches the handler names its file: Java's file exceptions carry the path as
 * their whole message, and the handler printed only the reason ("error: no such file or folder")
 * or only the path.
 */
class ErrorHandlerTest {
  @TempDir Path dir;

  @Command(name = "failing")
  static final class Failing implements Callable<Integer> {
    final Callable<Integer> body;

    Failing(Callable<Integer> body) {
      this.body = body;
    }

    @Override
    public Integer call() throws Exception {
      return body.call();
    }
  }

  private static String[] run(Callable<Integer> body) {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new Failing(body));
    cli.setErr(new PrintWriter(err, true));
    cli.setExecutionExceptionHandler(new ErrorHandler());
    int status = cli.execute();
    return new String[] {String.valueOf(status), err.toString().strip()};
  }

  @Test
  void aFileErrorNamesTheFileAndWhy() {
    Path missing = dir.resolve("missing.parquet");
    String[] thrown = run(() -> {
      Files.readString(missing);
      return 0;
    });
    assertThat(thrown[0]).isEqualTo("1");
    assertThat(thrown[1]).isEqualTo("error: " + missing + ": no such file or folder");

    String[] wrapped = run(() -> {
      try {
        Files.readString(missing);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return 0;
    });
    assertThat(wrapped[0]).isEqualTo("1");
    assertThat(wrapped[1]).isEqualTo("error: " + missing + ": no such file or folder");
  }

  @Test
  void aWrappedErrorKeepsWhatTheCodeWasDoing() throws Exception {
    Path file = Files.writeString(dir.resolve("ids.offsets"), "x");
    String[] thrown = run(() -> {
      try {
        // A folder where a file is wanted: a plain IOException without a file name.
        Files.newBufferedReader(dir).read();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read row ids " + file, e);
      }
      return 0;
    });
    assertThat(thrown[0]).isEqualTo("1");
    assertThat(thrown[1]).startsWith("error: cannot read row ids " + file + ": ")
        .hasLineCount(1);
  }

  @Test
  void aHeapTooSmallForTheJobIsTheUsersToFixAndExitsOne() throws Exception {
    // The message told the user what to change, but the exit status was 3, a bug's.
    Path big = dir.resolve("big.jsonl");
    Files.writeString(big, "{\"messages\": [{\"role\": \"user\", \"content\": \""
        + "x".repeat(16_000_000) + "\"}]}\n");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-Xmx24m", "-cp", System.getProperty("java.class.path"),
        Main.class.getName(), "stats", big.toString())
        .redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(output).isEqualTo(ErrorHandler.USER_ERROR);
    assertThat(output.strip()).startsWith("error: out of memory (heap limit ").hasLineCount(1);
  }
}
