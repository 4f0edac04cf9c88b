package dev.refinery.dataset;

import dev.refinery.io.Location;

/** A record that could not be read or written, with where it came from, why, and its raw text. */
public record Rejected(Location location, String reason, String raw) {

  /** One line for a person: {@code file:line: reason}. */
  public String describe() {
    return location + ": " + reason;
  }
}
