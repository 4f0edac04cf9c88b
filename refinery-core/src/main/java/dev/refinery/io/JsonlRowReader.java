package dev.refinery.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.refinery.internal.Json;
import dev.refinery.internal.TextCheck;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads JSON Lines (plain, .gz or .zst) one line at a time, as bytes, so that a bad line (invalid
 * JSON, invalid UTF-8) is reported with its number and the reader goes on with the next one.
 * Blank lines are skipped but counted.
 */
final class JsonlRowReader implements RowReader {
  private final InputStream in;
  private final String fileName;
  private byte[] line = new byte[1 << 12];
  private final byte[] buffer = new byte[1 << 16];
  private int bufferPos;
  private int bufferEnd;
  private long lineNumber;
  private boolean eof;

  JsonlRowReader(Path path) throws IOException {
    this.in = Compression.of(path).open(path);
    this.fileName = path.toString();
  }

  @Override
  public RawRow next() throws IOException {
    while (!eof) {
      int length = readLine();
      if (length < 0) {
        eof = true;
        return null;
      }
      lineNumber++;
      int start = 0;
      if (lineNumber == 1 && length >= 3 && (line[0] & 0xff) == 0xEF
          && (line[1] & 0xff) == 0xBB && (line[2] & 0xff) == 0xBF) {
        start = 3; // UTF-8 byte order mark
      }
      int end = length;
      if (end > start && line[end - 1] == '\r') {
        end--;
      }
      if (isBlank(start, end)) {
        continue;
      }
      Location location = Location.line(fileName, lineNumber);
      try {
        Object value = Json.parse(line, start, end - start);
        if (!(value instanceof Map)) {
          return RawRow.bad(text(start, end), location, "line is not a JSON object");
        }
        TextCheck.Unpaired surrogate = TextCheck.maySpellSurrogateInRecord(line, start, end)
            ? TextCheck.unpairedSurrogate(value) : null;
        if (surrogate != null) {
          return RawRow.bad(text(start, end), location, TextCheck.reason(surrogate));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> fields = (Map<String, Object>) value;
        return RawRow.ok(fields, location);
      } catch (JsonProcessingException e) {
        String problem = describe(e);
        // Jackson reports bad UTF-8 as a parse error; say which it is.
        return RawRow.bad(text(start, end), location,
            (problem.startsWith("Invalid UTF-8") ? "invalid UTF-8: " : "invalid JSON: ") + problem);
      }
    }
    return null;
  }

  private static final Pattern SOURCE =
      Pattern.compile("\\s*\\(start marker at \\[Source:[^\\]]*\\]\\)|\\s*\\[Source:[^\\]]*\\]");

  static String describe(JsonProcessingException e) {
    if (e instanceof StreamConstraintsException && e.getMessage() != null
        && e.getMessage().contains("nesting depth")) {
      return "nested deeper than " + Json.MAX_NESTING_DEPTH + " arrays or objects";
    }
    String message = e.getOriginalMessage();
    if (message == null) {
      message = e.getClass().getSimpleName();
    }
    int newline = message.indexOf('\n');
    if (newline >= 0) {
      message = message.substring(0, newline);
    }
    // Locations come from our own file:line; Jackson's "[Source: ...]" only adds noise.
    message = SOURCE.matcher(message).replaceAll("").strip();
    return message.length() > 200 ? message.substring(0, 200) + "…" : message;
  }

  private String text(int start, int end) {
    return new String(line, start, end - start, StandardCharsets.UTF_8);
  }

  private boolean isBlank(int start, int end) {
    for (int i = start; i < end; i++) {
      byte b = line[i];
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
    return true;
  }

  /** Reads up to the next '\n' into {@code line}; returns its length or -1 at end of input. */
  private int readLine() throws IOException {
    int n = 0;
    boolean any = false;
    while (true) {
      if (bufferPos == bufferEnd) {
        bufferEnd = in.read(buffer, 0, buffer.length);
        bufferPos = 0;
        if (bufferEnd <= 0) {
          bufferEnd = 0;
          return any ? n : -1;
        }
      }
      any = true;
      int start = bufferPos;
      int newline = -1;
      for (int i = start; i < bufferEnd; i++) {
        if (buffer[i] == '\n') {
          newline = i;
          break;
        }
      }
      int end = newline < 0 ? bufferEnd : newline;
      int length = end - start;
      if (n + length > line.length) {
        line = Arrays.copyOf(line, Math.max(line.length * 2, n + length));
      }
      System.arraycopy(buffer, start, line, n, length);
      n += length;
      if (newline >= 0) {
        bufferPos = newline + 1;
        return n;
      }
      bufferPos = bufferEnd;
    }
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
