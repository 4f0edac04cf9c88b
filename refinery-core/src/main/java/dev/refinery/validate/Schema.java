package dev.refinery.validate;

import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import java.util.Set;

/**
 * Schema breaks the decoder lets through (it is strict about structure, lenient about values).
 * A sample with one of them is malformed: no rule looks at it.
 */
final class Schema {
  static final String UNDECODABLE = "undecodable";
  static final String REASONING_NOT_ON_OFF = "reasoning_not_on_off";
  static final String NO_MESSAGES = "no_messages";
  static final String UNKNOWN_ROLE = "unknown_role";

  private static final Set<String> ROLES =
      Set.of(Message.SYSTEM, Message.USER, Message.ASSISTANT, Message.TOOL);

  private Schema() {}

  /**
   * The first schema break of a decoded sample, or null when it is well formed. A null reasoning
   * is allowed: formats other than nemotron have no such field.
   */
  static String problem(Sample s) {
    if (s.reasoning() != null && !Sample.REASONING_ON.equals(s.reasoning())
        && !Sample.REASONING_OFF.equals(s.reasoning())) {
      return REASONING_NOT_ON_OFF;
    }
    if (s.messages().isEmpty()) {
      return NO_MESSAGES;
    }
    for (Message m : s.messages()) {
      if (!ROLES.contains(m.role())) {
        return UNKNOWN_ROLE;
      }
    }
    return null;
  }
}
