package dev.refinery.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.refinery.TestData;
import dev.refinery.internal.Json;
import dev.refinery.io.Inputs;
import dev.refinery.io.RawRow;
import dev.refinery.io.RowReader;
import dev.refinery.io.RowReaders;
import dev.refinery.sample.Sample;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads real data files through the project's own readers, and round trips records. */
final class Rows {
  private Rows() {}

  /** Every record of a file under testdata; fails on a record that cannot be read. */
  static List<Map<String, Object>> of(String relative) {
    var file = Inputs.resolve(TestData.path(relative).toString()).get(0);
    List<Map<String, Object>> rows = new ArrayList<>();
    try (RowReader reader = RowReaders.open(file)) {
      RawRow row;
      while ((row = reader.next()) != null) {
        assertThat(row.isBad()).as("%s: %s", row.location(), row.error()).isFalse();
        rows.add(row.fields());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }

  static List<Sample> decodeAll(Format format, String relative) {
    return of(relative).stream().map(format::decode).toList();
  }

  /**
   * {@code row} decoded from {@code format}, written as a Nemotron JSON line, read back, and
   * encoded in {@code format} again.
   */
  static Map<String, Object> viaNemotron(Format format, Map<String, Object> row) {
    Format nemotron = Formats.nemotron();
    String line = Json.write(nemotron.encode(format.decode(row)));
    return format.encode(nemotron.decode(parse(line)));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> parse(String json) {
    try {
      return (Map<String, Object>) Json.parse(json);
    } catch (JsonProcessingException e) {
      throw new AssertionError(e);
    }
  }
}
