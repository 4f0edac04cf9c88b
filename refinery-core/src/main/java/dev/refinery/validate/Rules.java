package dev.refinery.validate;

import dev.refinery.internal.Json;
import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import dev.refinery.sample.ThinkBlock;
import dev.refinery.sample.ToolCall;
import dev.refinery.sample.ToolDefinitions;
import java.util.List;
import java.util.Set;

/**
 * The standard quality rules, modelled on the checks of the Nemotron Post-Training Dataset v1
 * card's script. Every rule looks at one well-formed sample; the "final answer" is the final
 * assistant turn's content outside its {@code <think>} block ({@link ThinkBlock#answer()}).
 * Duplicate uuids span samples, so they are not a {@link Rule}: {@link ValidationRun} finds them.
 */
public final class Rules {
  /** The report key of the duplicate-uuid check, which {@link ValidationRun} does across files. */
  public static final String DUPLICATE_UUID = "duplicate_uuid";

  static final String DUPLICATE_UUID_DESCRIPTION =
      "uuid already seen earlier in the input (exact string match, across all files)";

  public static final Rule ROLES_OUT_OF_ORDER = Rule.of("roles_out_of_order",
      "system turn not first, first non-system turn not user, two user or two assistant turns "
          + "in a row, or a tool turn not answering an assistant tool call",
      Rules::rolesOutOfOrder);

  public static final Rule NO_ASSISTANT_TURN = Rule.of("no_assistant_turn",
      "no assistant turn at all",
      s -> s.finalAssistant() == null);

  /**
   * Broken tags in any assistant turn; an empty block only in the final turn of a reasoning "on"
   * row, because Qwen3's non-thinking mode emits an empty {@code <think></think>} by design, so
   * reasoning "off" rows legitimately carry one.
   */
  public static final Rule BROKEN_THINK_BLOCK = Rule.of("broken_think_block",
      "unterminated <think>, stray or repeated think tag, or an empty think block "
          + "in a reasoning \"on\" row",
      Rules::brokenThinkBlock);

  public static final Rule REASONING_ON_WITHOUT_TRACE = Rule.of("reasoning_on_without_trace",
      "reasoning \"on\" but the final assistant turn has no reasoning trace",
      s -> s.reasoningOn() && s.finalAssistant() != null
          && !ThinkBlock.parse(s.finalAssistant().content()).hasTrace());

  public static final Rule REASONING_OFF_WITH_TRACE = Rule.of("reasoning_off_with_trace",
      "reasoning \"off\" but an assistant turn carries a non-empty reasoning trace",
      Rules::reasoningOffWithTrace);

  public static final Rule MATH_WITHOUT_BOXED = Rule.of("math_without_boxed",
      "math row whose final answer has no \\boxed{}",
      s -> "math".equalsIgnoreCase(s.category()) && s.finalAssistant() != null
          && !finalAnswer(s).contains("\\boxed{"));

  public static final Rule CODE_WITHOUT_FENCE = Rule.of("code_without_fence",
      "code row whose final answer has no fenced code block (an opening ``` and a closing ```)",
      s -> "code".equalsIgnoreCase(s.category()) && s.finalAssistant() != null
          && !hasFencedBlock(finalAnswer(s)));

  public static final Rule TOOL_ARGUMENTS_NOT_JSON = Rule.of("tool_arguments_not_json",
      "a tool call whose arguments are missing or not a JSON object",
      Rules::toolArgumentsNotJson);

  public static final Rule UNKNOWN_TOOL = Rule.of("unknown_tool",
      "a tool call naming a function that metadata.tools does not define",
      Rules::unknownTool);

  /** Null or blank metadata counts as absent, not as broken. */
  public static final Rule METADATA_NOT_JSON = Rule.of("metadata_not_json",
      "metadata is present but not valid JSON",
      s -> s.metadata() != null && !s.metadata().isBlank() && !Json.isValid(s.metadata()));

  public static final Rule SELF_IDENTIFICATION = Rule.of("self_identification",
      "the final answer names the generating model or its maker as itself "
          + "(\"I am Qwen\", \"我是通义千问\", ...)",
      s -> s.finalAssistant() != null && SelfIdentification.matches(finalAnswer(s)));

  private static final List<Rule> STANDARD = List.of(ROLES_OUT_OF_ORDER, NO_ASSISTANT_TURN,
      BROKEN_THINK_BLOCK, REASONING_ON_WITHOUT_TRACE, REASONING_OFF_WITH_TRACE,
      MATH_WITHOUT_BOXED, CODE_WITHOUT_FENCE, TOOL_ARGUMENTS_NOT_JSON, UNKNOWN_TOOL,
      METADATA_NOT_JSON, SELF_IDENTIFICATION);

  private Rules() {}

  /** The standard rules, in report order. */
  public static List<Rule> standard() {
    return STANDARD;
  }

  static String finalAnswer(Sample s) {
    Message last = s.finalAssistant();
    return last == null ? "" : ThinkBlock.parse(last.content()).answer();
  }

  /**
   * An opening fence and a closing one after it: a run of three or more backticks, then a later
   * run. A single unclosed ``` (an answer cut off inside its code) is no fenced block.
   */
  static boolean hasFencedBlock(String answer) {
    int open = answer.indexOf("```");
    if (open < 0) {
      return false;
    }
    int afterOpen = open + 3;
    while (afterOpen < answer.length() && answer.charAt(afterOpen) == '`') {
      afterOpen++;
    }
    return answer.indexOf("```", afterOpen) >= 0;
  }

  static boolean rolesOutOfOrder(Sample s) {
    List<Message> messages = s.messages();
    boolean conversationStarted = false;
    Message previous = null;
    for (int i = 0; i < messages.size(); i++) {
      Message m = messages.get(i);
      switch (m.role()) {
        case Message.SYSTEM -> {
          if (i > 0) {
            return true;
          }
        }
        case Message.USER -> {
          if (previous != null && previous.isUser()) {
            return true;
          }
        }
        case Message.ASSISTANT -> {
          // After tool calls the tool turns come first, so an assistant never follows one.
          if (previous != null && previous.isAssistant()) {
            return true;
          }
        }
        case Message.TOOL -> {
          // Parallel calls are answered by consecutive tool turns.
          boolean answersCall = previous != null
              && (previous.hasToolCalls() || Message.TOOL.equals(previous.role()));
          if (!answersCall) {
            return true;
          }
        }
        default -> { }
      }
      if (!conversationStarted && !Message.SYSTEM.equals(m.role())) {
        if (!m.isUser()) {
          return true;
        }
        conversationStarted = true;
      }
      previous = m;
    }
    return false;
  }

  static boolean brokenThinkBlock(Sample s) {
    for (Message m : s.messages()) {
      if (m.isAssistant()) {
        ThinkBlock.State state = ThinkBlock.parse(m.content()).state();
        if (state == ThinkBlock.State.UNTERMINATED || state == ThinkBlock.State.STRAY_TAG) {
          return true;
        }
      }
    }
    Message last = s.finalAssistant();
    return s.reasoningOn() && last != null && ThinkBlock.parse(last.content()).isEmptyBlock();
  }

  static boolean reasoningOffWithTrace(Sample s) {
    if (!Sample.REASONING_OFF.equals(s.reasoning())) {
      return false;
    }
    for (Message m : s.messages()) {
      if (m.isAssistant() && ThinkBlock.parse(m.content()).hasTrace()) {
        return true;
      }
    }
    return false;
  }

  /** OpenAI tool-call arguments are a JSON object: "42" or "[1]" is valid JSON but breaks. */
  static boolean toolArgumentsNotJson(Sample s) {
    for (Message m : s.messages()) {
      for (ToolCall call : m.toolCallsOrEmpty()) {
        if (!Json.isObject(call.arguments())) {
          return true;
        }
      }
    }
    return false;
  }

  static boolean unknownTool(Sample s) {
    if (s.toolCallCount() == 0) {
      return false;
    }
    Set<String> defined = ToolDefinitions.names(s.metadata());
    for (Message m : s.messages()) {
      for (ToolCall call : m.toolCallsOrEmpty()) {
        if (call.name() == null || !defined.contains(call.name())) {
          return true;
        }
      }
    }
    return false;
  }
}
