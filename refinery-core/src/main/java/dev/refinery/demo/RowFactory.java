package dev.refinery.demo;

import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import dev.refinery.sample.ToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Builds row {@code index} of a split from (seed, split, index) alone, so rows never depend on
 * what was generated before them, then applies the row's plant if it has one.
 */
final class RowFactory {
  static final String R1 = "DeepSeek-R1-0528";
  static final String QWEN3 = "Qwen3-235B-A22B";
  static final String SELF_IDENTIFICATION = "I am Qwen, created by Alibaba Cloud.";

  private final long seed;
  private final Planting planting;

  RowFactory(long seed, Planting planting) {
    this.seed = seed;
    this.planting = planting;
  }

  Plant plantAt(Split split, long index) {
    return planting.at(split, index);
  }

  Sample row(Split split, long index) {
    Plant plant = planting.at(split, index);
    SplittableRandom rng = new SplittableRandom(Seeds.of(seed, split, index, Seeds.CONTENT));
    boolean on = rng.nextBoolean();
    int generatorRoll = rng.nextInt(100);
    int licenseRoll = rng.nextInt(100);
    if (plant != null) {
      on = switch (plant) {
        case UNTERMINATED_THINK, EMPTY_THINK, REASONING_ON_WITHOUT_TRACE -> true;
        case NO_ASSISTANT_TURN, EMPTY_ASSISTANT_TURN, REASONING_OFF_WITH_TRACE -> false;
        default -> on;
      };
    }
    Draft draft = switch (split) {
      case STEM -> StemRows.draft(rng);
      case MATH -> MathRows.draft(rng);
      case CODE -> CodeRows.draft(rng);
      case CHAT -> ChatRows.draft(rng);
      case TOOL_CALLING -> ToolRows.draft(rng);
    };

    List<Message> messages = new ArrayList<>(draft.turns().size() + 1);
    messages.addAll(draft.turns());
    messages.add(Message.of(Message.ASSISTANT, finalContent(plant, on, draft, rng)));
    if (plant != null) {
      plantInMessages(plant, messages, rng);
    }
    boolean saysOn = plant == Plant.REASONING_OFF_WITH_TRACE ? false : on;
    long uuidRow = plant == Plant.DUPLICATE_UUID ? planting.duplicateSource(split, index) : index;
    String metadata = draft.metadata();
    if (plant == Plant.METADATA_NOT_JSON) {
      metadata = metadata.substring(0, metadata.length() - 1);
    }
    return Sample.builder()
        .uuid(uuid(split, uuidRow))
        .license(licenseRoll < 3 ? "odc-by" : "CC BY 4.0")
        // Reasoning-on rows come mostly from R1; off rows from Qwen3, as on the card.
        .generator(saysOn && generatorRoll < 85 ? R1 : QWEN3)
        .version("v1")
        .category(split.category())
        .reasoning(saysOn ? Sample.REASONING_ON : Sample.REASONING_OFF)
        .messages(messages)
        .metadata(metadata)
        .build();
  }

  /**
   * The final assistant turn: {@code <think>\ntrace\n</think>\n\nanswer} with reasoning on, the
   * bare answer with reasoning off (v1 off rows carry no think block at all).
   */
  private static String finalContent(Plant plant, boolean on, Draft draft,
      SplittableRandom rng) {
    String answer = draft.answer();
    if (plant != null) {
      switch (plant) {
        case EMPTY_ASSISTANT_TURN:
          return "";
        case EMPTY_THINK:
          return "<think>\n\n</think>\n\n" + answer;
        case REASONING_ON_WITHOUT_TRACE:
          return answer;
        case UNTERMINATED_THINK:
          return "<think>\n" + Text.trace(rng, draft.subject(), Text.traceLength(rng)) + "\n\n"
              + answer;
        case REASONING_OFF_WITH_TRACE:
          on = true;
          break;
        case SELF_IDENTIFICATION:
          answer = SELF_IDENTIFICATION + " " + answer;
          break;
        case MATH_WITHOUT_BOXED:
          answer = unbox(answer);
          break;
        case CODE_WITHOUT_FENCE:
          answer = answer.replace("```python\n", "").replace("```\n", "");
          break;
        default:
          break;
      }
    }
    if (!on) {
      return answer;
    }
    String trace = Text.trace(rng, draft.subject(), Text.traceLength(rng));
    return new StringBuilder(trace.length() + answer.length() + 24)
        .append("<think>\n").append(trace).append("\n</think>\n\n").append(answer).toString();
  }

  private static void plantInMessages(Plant plant, List<Message> messages,
      SplittableRandom rng) {
    switch (plant) {
      case ROLES_OUT_OF_ORDER -> {
        int user = firstUser(messages);
        Message m = messages.get(user);
        messages.set(user, messages.get(user + 1));
        messages.set(user + 1, m);
      }
      case NO_ASSISTANT_TURN -> {
        // Only the first request stays: later user turns would follow each other directly.
        int user = firstUser(messages);
        messages.subList(user + 1, messages.size()).clear();
      }
      case EMPTY_USER_PLACEHOLDER -> messages.set(firstUser(messages),
          messages.get(firstUser(messages)).withContent(""));
      case DASH_USER_PLACEHOLDER -> messages.set(firstUser(messages),
          messages.get(firstUser(messages)).withContent("-"));
      case TOOL_ARGUMENTS_NOT_JSON, UNKNOWN_TOOL -> {
        int at = firstUser(messages) + 1;
        Message caller = messages.get(at);
        List<ToolCall> calls = new ArrayList<>(caller.toolCalls());
        ToolCall first = calls.get(0);
        calls.set(0, plant == Plant.UNKNOWN_TOOL
            ? ToolCall.of(first.id(), Text.pick(rng, ToolBank.UNDECLARED), first.arguments())
            : ToolCall.of(first.id(), first.name(),
                first.arguments().substring(0, first.arguments().length() - 1)));
        messages.set(at, new Message(caller.role(), caller.content(), calls, caller.extra()));
      }
      default -> {
        // Planted in the final answer, the uuid or the metadata instead.
      }
    }
  }

  private static int firstUser(List<Message> messages) {
    for (int i = 0; i < messages.size(); i++) {
      if (messages.get(i).isUser()) {
        return i;
      }
    }
    throw new IllegalStateException("every draft has a user turn");
  }

  /** Drops the {@code \boxed{...}} wrapper, keeping what it held (which may hold braces). */
  static String unbox(String answer) {
    int start = answer.indexOf("\\boxed{");
    if (start < 0) {
      return answer;
    }
    int open = start + "\\boxed{".length();
    int depth = 1;
    int i = open;
    while (i < answer.length() && depth > 0) {
      char c = answer.charAt(i++);
      if (c == '{') {
        depth++;
      } else if (c == '}') {
        depth--;
      }
    }
    return answer.substring(0, start) + answer.substring(open, i - 1) + answer.substring(i);
  }

  /** A version-4-looking uuid from the row's own stream, so any row can recompute another's. */
  String uuid(Split split, long index) {
    SplittableRandom rng = new SplittableRandom(Seeds.of(seed, split, index, Seeds.UUID));
    long msb = (rng.nextLong() & ~0xF000L) | 0x4000L;
    long lsb = (rng.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb).toString();
  }
}
