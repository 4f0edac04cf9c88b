package dev.refinery.verify;

import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import dev.refinery.sample.ThinkBlock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the final answer of a math response: the content of its last {@code \boxed{...}} (or
 * {@code \fbox{...}}).
 *
 * <p>The last box wins, as in the MATH and NeMo-Skills graders: a response that boxes an
 * intermediate result and then its final one, or that rambles on after answering, is judged by
 * what it boxed last. Boxes inside the {@code <think>} trace are ignored: the trace is scratch work
 * and may box several candidates; only the answer after {@code </think>} counts. A turn whose trace
 * never closes has no answer.
 */
public final class BoxedAnswer {
  private static final String[] COMMANDS = {"\\boxed", "\\fbox"};

  private BoxedAnswer() {}

  /** The final answer of a sample: that of its last assistant turn (empty without one). */
  public static Optional<String> finalAnswer(Sample sample) {
    Message last = sample.finalAssistant();
    return last == null ? Optional.empty() : finalAnswer(last.content());
  }

  /**
   * The final answer of an assistant turn: the last box outside its think block, or empty when
   * there is none (no box, an unbalanced one, or an unterminated trace).
   */
  public static Optional<String> finalAnswer(String response) {
    ThinkBlock block = ThinkBlock.parse(response);
    if (block.state() == ThinkBlock.State.UNTERMINATED) {
      // Text before an unclosed <think> is a preamble, not an answer.
      return Optional.empty();
    }
    return last(block.answer());
  }

  /** The content of the last box in {@code text} (no think-block handling). */
  public static Optional<String> last(String text) {
    List<String> boxes = all(text);
    return boxes.isEmpty() ? Optional.empty() : Optional.of(boxes.get(boxes.size() - 1));
  }

  /**
   * Every box in {@code text}, in order. Braces nest ({@code \boxed{\frac{1}{2}}}), escaped braces
   * ({@code \{ \}}) do not count, and {@code \boxed 5} without braces runs to the next space or
   * {@code $}. A box whose braces never close is skipped.
   */
  public static List<String> all(String text) {
    List<String> boxes = new ArrayList<>();
    if (text == null) {
      return boxes;
    }
    int pos = 0;
    while (true) {
      int at = -1;
      String command = null;
      for (String c : COMMANDS) {
        int i = indexOfCommand(text, c, pos);
        if (i >= 0 && (at < 0 || i < at)) {
          at = i;
          command = c;
        }
      }
      if (at < 0) {
        return boxes;
      }
      int from = at + command.length();
      int next = from;
      while (next < text.length() && text.charAt(next) == ' ') {
        next++;
      }
      if (next < text.length() && text.charAt(next) == '{') {
        int close = matchingBrace(text, next);
        if (close < 0) {
          pos = from;
          continue;
        }
        boxes.add(text.substring(next + 1, close).strip());
        pos = close + 1;
      } else if (next > from) {
        // "\boxed 5": the argument is the next run of non-space characters.
        int end = next;
        while (end < text.length() && !Character.isWhitespace(text.charAt(end))
            && text.charAt(end) != '$') {
          end++;
        }
        if (end > next) {
          boxes.add(text.substring(next, end));
        }
        pos = end;
      } else {
        pos = from;
      }
    }
  }

  /** Index of {@code command} not followed by a letter ({@code \boxedx} is another command). */
  private static int indexOfCommand(String text, String command, int from) {
    int i = text.indexOf(command, from);
    while (i >= 0) {
      int after = i + command.length();
      if (after >= text.length() || !Character.isLetter(text.charAt(after))) {
        return i;
      }
      i = text.indexOf(command, after);
    }
    return -1;
  }

  /** Index of the brace closing the one at {@code open}, or -1. */
  static int matchingBrace(String text, int open) {
    int depth = 0;
    for (int i = open; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\') {
        i++; // \{ and \} are literal braces
      } else if (c == '{') {
        depth++;
      } else if (c == '}') {
        depth--;
        if (depth == 0) {
          return i;
        }
      }
    }
    return -1;
  }
}
