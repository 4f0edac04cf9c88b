package dev.refinery.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.refinery.internal.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * Reads JSON Lines (plain, .gz or .zst) one line at a time, as bytes, so that a bad line (invalid
 * JSON, invalid UTF-8) is reported with its number and the reader goes on with the next one.
 * Blank lines are skipped but counted.
 */
final class JsonlRowReader implements RowReader {
  private final InputStream in;
  private final String fileName;
  private byte[] line = new byte[1 << 12];
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
        @SuppressWarnings("unchecked")
        Map<String, Object> fields = (Map<String, Object>) value;
        return RawRow.ok(fields, location);
      } catch (JsonProcessingException e) {
        return RawRow.bad(text(start, end), location, "invalid JSON: " + describe(e));
      }
    }
    return null;
  }

  static String describe(JsonProcessingException e) {
    String message = e.getOriginalMessage();
    if (message == null) {
      message = e.getClass().getSimpleName();
    }
    int newline = message.indexOf('\n');
    if (newline >= 0) {
      message = message.substring(0, newline);
    }
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
    int b;
    while ((b = in.read()) >= 0) {
      if (b == '\n') {
        return n;
      }
      if (n == line.length) {
        line = Arrays.copyOf(line, line.length * 2);
      }
      line[n++] = (byte) b;
    }
    return n == 0 ? -1 : n;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
