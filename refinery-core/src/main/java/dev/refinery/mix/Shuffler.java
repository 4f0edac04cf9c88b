package dev.refinery.mix;

import dev.refinery.RefineryException;
import dev.refinery.format.Format;
import dev.refinery.internal.Json;
import dev.refinery.sample.Sample;
import java.io.IOException;
import java.util.Map;

/**
 * Reads back the Nemotron JSON records {@link Blender} shuffles through {@link ExternalShuffle}.
 * {@code refinery shuffle} is a canned pipeline now (its sink sorts rows by a seeded hash of their
 * ids); this goes with ExternalShuffle once blend is one too.
 */
final class Shuffler {
  private Shuffler() {}

  @SuppressWarnings("unchecked")
  static Sample decode(Format nemotron, byte[] bytes) {
    try {
      return nemotron.decode((Map<String, Object>) Json.parse(bytes, 0, bytes.length));
    } catch (IOException e) {
      throw new RefineryException("a shuffled record could not be read back: " + e.getMessage(),
          e);
    }
  }
}
