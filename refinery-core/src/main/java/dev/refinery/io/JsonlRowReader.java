package dev.refinery.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.refinery.internal.Json;
import dev.refinery.internal.TextCheck;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads JSON Lines (plain, .gz or .zst) one line at a time, as bytes, so that a bad line (invalid
 * JSON, invalid UTF-8) is reported with its number and the reader goes on with the next one.
 * Blank lines are skipped but counted.
 *
 * <p>An uncompressed file can be read in byte ranges: the range [start, end) owns every line that
 * starts within it, reading past {@code end} to finish its last line; a line that starts before
 * {@code start} belongs to the range before. A record's position is the byte offset of its line's
 * start (in the decompressed stream for a compressed file), the same however the file is split. A
 * range that does not start the file cannot know its line numbers without reading all before it,
 * so its locations name the line's byte offset instead.
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
  private final boolean linesKnown;
  private final long rangeEnd;
  /** Bytes of the (decompressed) file consumed so far: the start of the next line. */
  private long offset;
  private boolean lastLineEnded;

  JsonlRowReader(Path path) throws IOException {
    this(path, 0, Long.MAX_VALUE);
  }

  /** Reads the lines that start within bytes [start, end) of an uncompressed file. */
  JsonlRowReader(Path path, long start, long end) throws IOException {
    this.fileName = path.toString();
    this.rangeEnd = end;
    this.linesKnown = start == 0;
    if (start == 0) {
      this.in = Compression.of(path).open(path);
      return;
    }
    if (Compression.of(path) != Compression.NONE) {
      throw new IllegalArgumentException(path + ": a compressed file is read whole");
    }
    InputStream raw = Files.newInputStream(path);
    try {
      // From the byte before start: a line starts at start only if that byte ends a line.
      raw.skipNBytes(start - 1);
    } catch (IOException e) {
      raw.close();
      throw e;
    }
    this.in = raw;
    this.offset = start - 1;
    int length = readLine();
    if (length >= 0) {
      offset += length + (lastLineEnded ? 1 : 0);
    } else {
      eof = true;
    }
  }

  @Override
  public RawRow next() throws IOException {
    while (!eof) {
      long lineStart = offset;
      if (lineStart >= rangeEnd) {
        eof = true;
        return null;
      }
      int length = readLine();
      if (length < 0) {
        eof = true;
        return null;
      }
      offset += length + (lastLineEnded ? 1 : 0);
      lineNumber++;
      int start = 0;
      if (lineStart == 0 && length >= 3 && (line[0] & 0xff) == 0xEF
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
      Location location = linesKnown ? Location.line(fileName, lineNumber)
          : Location.byteOffset(fileName, lineStart);
      try {
        Object value = Json.parse(line, start, end - start);
        if (!(value instanceof Map)) {
          return RawRow.bad(text(start, end), location, "line is not a JSON object", lineStart);
        }
        TextCheck.Unpaired surrogate = TextCheck.maySpellSurrogateInRecord(line, start, end)
            ? TextCheck.unpairedSurrogate(value) : null;
        if (surrogate != null) {
          return RawRow.bad(text(start, end), location, TextCheck.reason(surrogate), lineStart);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> fields = (Map<String, Object>) value;
        return RawRow.ok(fields, location, lineStart);
      } catch (JsonProcessingException e) {
        String problem = describe(e);
        // Jackson reports bad UTF-8 as a parse error; say which it is.
        return RawRow.bad(text(start, end), location,
            (problem.startsWith("Invalid UTF-8") ? "invalid UTF-8: " : "invalid JSON: ") + problem,
            lineStart);
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

  /**
   * Reads up to the next '\n' into {@code line}; returns its length or -1 at end of input, and
   * tells in {@code lastLineEnded} whether a '\n' ended it.
   */
  private int readLine() throws IOException {
    int n = 0;
    boolean any = false;
    lastLineEnded = false;
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
        lastLineEnded = true;
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
