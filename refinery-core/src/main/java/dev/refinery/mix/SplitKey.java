package dev.refinery.mix;

import dev.refinery.RefineryException;
import dev.refinery.sample.Columns;
import dev.refinery.sample.Sample;
import java.io.Serializable;

/**
 * What a stable split hashes: the part of a sample that its variants share, so that they land in
 * one split.
 *
 * <ul>
 *   <li>{@code prompt} (the default): the first user turn, with leading and trailing whitespace
 *       removed. Reasoning-on and -off variants and several responses to one prompt share it;
 *       system prompts (where "detailed thinking on/off" toggles live) are left out on purpose.
 *   <li>{@code uuid}: the sample's uuid (every sample on its own).
 *   <li>{@code metadata.FIELD}: a field of the sample's metadata JSON (e.g. a source problem id),
 *       printed as JSON text unless it is a string. A top-level field of that exact name comes
 *       first; otherwise a dotted name walks nested objects ({@code metadata.generation.prompt_uuid},
 *       as {@code refinery generate} writes it).
 * </ul>
 *
 * A sample without the key has no split: it is rejected with the reason {@link #describe}.
 */
public final class SplitKey implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String spec;

  private SplitKey(String spec) {
    this.spec = spec;
  }

  /** Parses {@code prompt}, {@code uuid} or {@code metadata.FIELD}. */
  public static SplitKey parse(String spec) {
    String s = spec == null ? "" : spec.trim();
    if (s.equals("prompt") || s.equals("uuid")
        || (s.startsWith("metadata.") && s.length() > "metadata.".length())) {
      return new SplitKey(s);
    }
    throw new RefineryException("unknown split key '" + spec
        + "'; use prompt, uuid or metadata.FIELD");
  }

  /** The key's text for {@code sample}, or null when the sample has none. */
  public String of(Sample sample) {
    switch (spec) {
      case "prompt": {
        String p = sample.firstUserPrompt();
        return p == null ? null : p.strip();
      }
      case "uuid":
        return sample.uuid();
      default:
        return Columns.text(sample, spec);
    }
  }

  /** Why a sample without the key is rejected. */
  public String describe() {
    return switch (spec) {
      case "prompt" -> "no user turn to take the split key (prompt) from";
      case "uuid" -> "no uuid to take the split key from";
      default -> "no " + spec + " to take the split key from";
    };
  }

  @Override
  public String toString() {
    return spec;
  }
}
