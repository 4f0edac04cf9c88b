package dev.refinery.validate;

import dev.refinery.filter.Filter;
import dev.refinery.filter.FilterType;
import dev.refinery.filter.Param;
import dev.refinery.filter.Scores;
import dev.refinery.filter.Verdict;
import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import dev.refinery.sample.ToolCall;
import dev.refinery.sample.ToolDefinitions;
import java.util.List;
import java.util.Map;

/**
 * The checks of {@code refinery validate} as a pipeline filter: schema (reasoning on/off, known
 * roles, messages present), empty turns (the card's external-prompt placeholders allowed), every
 * per-sample rule (role order, think blocks, reasoning flag vs trace, tool calls, metadata,
 * self-identification, \boxed{} math, fenced code), and tool call arguments that must fit the
 * tool's JSON-schema parameters. Each check scores 1 when broken; the first broken one in that
 * order is the drop reason. Duplicate uuids need every partition and are left to dedup steps.
 */
public final class StructureFilter implements Filter<Sample> {
  public static final FilterType TYPE = new FilterType("structure",
      "the validate rules as a filter: schema, empty turns, role order, think blocks, reasoning "
          + "flag, tool calls (a JSON object that fits the tool's parameters), metadata, "
          + "self-identification, \\boxed{} math, fenced code",
      FilterType.Input.SAMPLE, List.of(
          Param.of("content_rules", Param.Type.BOOLEAN, true,
              "also apply math_without_boxed, code_without_fence and self_identification")),
      p -> new StructureFilter(p.getBoolean("content_rules")));

  static final String SCHEMA = "schema";
  static final String EMPTY_TURN = "empty_turn";
  static final String TOOL_ARGUMENTS_SCHEMA = "tool_arguments_schema";

  private static final List<Rule> CONTENT = List.of(Rules.MATH_WITHOUT_BOXED,
      Rules.CODE_WITHOUT_FENCE, Rules.SELF_IDENTIFICATION);

  private final boolean contentRules;

  StructureFilter(boolean contentRules) {
    this.contentRules = contentRules;
  }

  @Override
  public String name() {
    return "structure";
  }

  @Override
  public Scores score(Sample s) {
    Scores.Builder b = Scores.builder();
    String schema = Schema.problem(s);
    b.put(SCHEMA, schema == null ? 0 : 1);
    if (schema != null) {
      // The other checks assume a well-formed sample.
      return b.build();
    }
    b.put(EMPTY_TURN, ValidationRun.hasEmptyTurn(s) ? 1 : 0);
    for (Rule rule : Rules.standard()) {
      if (contentRules || !CONTENT.contains(rule)) {
        b.put(rule.id(), rule.breaks(s) ? 1 : 0);
      }
    }
    b.put(TOOL_ARGUMENTS_SCHEMA, toolArgumentsMisfit(s) ? 1 : 0);
    return b.build();
  }

  @Override
  public Verdict decide(Scores scores) {
    for (Map.Entry<String, Double> e : scores.values().entrySet()) {
      if (e.getValue() > 0) {
        return Verdict.drop(e.getKey());
      }
    }
    return Verdict.KEEP;
  }

  /** A call whose tool is defined with parameters its arguments (a JSON object) do not fit. */
  static boolean toolArgumentsMisfit(Sample s) {
    Map<String, Map<?, ?>> tools = null;
    for (Message m : s.messages()) {
      for (ToolCall call : m.toolCallsOrEmpty()) {
        if (tools == null) {
          tools = ToolDefinitions.parameters(s.metadata());
        }
        Map<?, ?> parameters = tools.get(call.name());
        if (parameters != null && call.arguments() != null
            && dev.refinery.internal.Json.isObject(call.arguments())
            && ToolArgumentSchema.problem(call.arguments(), parameters) != null) {
          return true;
        }
      }
    }
    return false;
  }
}
