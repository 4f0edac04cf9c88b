package dev.refinery.filter.heuristic;

import java.io.Serializable;

/**
 * Rewrites a text rather than judging it (datatrove's formatters, and the line removal C4's quality
 * rules do). A filter that also implements this changes the text of what it keeps: a runner applies
 * {@link #transform} to a kept text after {@code decide}, and leaves dropped texts and score-only
 * runs untouched. Immutable, thread safe, serializable.
 */
public interface TextFormatter extends Serializable {
  String name();

  String transform(String text);
}
