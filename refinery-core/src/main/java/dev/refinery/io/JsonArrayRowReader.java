package dev.refinery.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.refinery.RefineryException;
import dev.refinery.internal.Json;
import dev.refinery.internal.TextCheck;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Streams the elements of a file that holds one JSON array of records, as the LLaMA-Factory and
 * Alpaca files do, without loading the array; also a file of pretty-printed JSON objects one after
 * another (a single-conversation .json file, as in Axolotl's fixtures). A syntax error cannot be
 * skipped (the next record's start is unknown), so it ends the file with one bad row that says so.
 */
final class JsonArrayRowReader implements RowReader {
  private final JsonParser parser;
  private final SurrogateWatch watch;
  private final String fileName;
  private final boolean array;
  private boolean done;
  private JsonToken pending;

  JsonArrayRowReader(Path path) throws IOException {
    this.fileName = path.toString();
    this.watch = new SurrogateWatch(Compression.of(path).open(path));
    this.parser = Json.FACTORY.createParser(watch);
    JsonToken first;
    try {
      first = parser.nextToken();
    } catch (JsonProcessingException e) {
      parser.close();
      throw new RefineryException(fileName + ":" + e.getLocation().getLineNr()
          + ": invalid JSON: " + JsonlRowReader.describe(e));
    }
    if (first != JsonToken.START_ARRAY && first != JsonToken.START_OBJECT) {
      parser.close();
      throw new RefineryException(fileName + ":1: expected a JSON array of records or JSON objects"
          + (first == null ? " but the file is empty" : " but found " + first.asString()));
    }
    this.array = first == JsonToken.START_ARRAY;
    this.pending = array ? null : first;
  }

  @Override
  public RawRow next() throws IOException {
    if (done) {
      return null;
    }
    long line = parser.currentLocation().getLineNr();
    try {
      JsonToken t = pending != null ? pending : parser.nextToken();
      pending = null;
      line = parser.currentTokenLocation().getLineNr();
      if ((array && t == JsonToken.END_ARRAY) || t == null) {
        done = true;
        return null;
      }
      long start = parser.currentTokenLocation().getByteOffset(); // -1 for UTF-16 or UTF-32
      Object value = Json.read(parser, t);
      Location location = Location.line(fileName, line);
      if (!(value instanceof Map)) {
        return RawRow.bad(Json.write(value), location, array ? "array element is not a JSON object" : "value is not a JSON object");
      }
      TextCheck.Unpaired surrogate = watch.maySpellSurrogateFrom(start)
          ? TextCheck.unpairedSurrogate(value) : null;
      if (surrogate != null) {
        return RawRow.bad(Json.write(value), location, TextCheck.reason(surrogate));
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> fields = (Map<String, Object>) value;
      return RawRow.ok(fields, location);
    } catch (JsonProcessingException e) {
      done = true;
      long at = e.getLocation() != null ? e.getLocation().getLineNr() : line;
      return RawRow.bad("", Location.line(fileName, at), "invalid JSON: " + JsonlRowReader.describe(e)
          + " (the rest of the file cannot be read)");
    }
  }

  @Override
  public void close() throws IOException {
    parser.close();
  }
}
