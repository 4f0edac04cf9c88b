package dev.refinery.validate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import dev.refinery.sample.ToolCall;
import dev.refinery.sample.ToolDefinitions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class RulesTest {
  static Message user(String c) {
    return Message.of(Message.USER, c);
  }

  static Message assistant(String c) {
    return Message.of(Message.ASSISTANT, c);
  }

  static Message system(String c) {
    return Message.of(Message.SYSTEM, c);
  }

  static Message tool(String c) {
    return Message.of(Message.TOOL, c);
  }

  static Message calls(ToolCall... calls) {
    return new Message(Message.ASSISTANT, null, List.of(calls), null);
  }

  static Sample sample(String category, String reasoning, Message... messages) {
    return Sample.builder().uuid("u").category(category).reasoning(reasoning)
        .messages(List.of(messages)).build();
  }

  static Sample withMetadata(String metadata, Message... messages) {
    return sample("tool_calling", "off", messages).toBuilder().metadata(metadata).build();
  }

  /** The ids of the standard rules the sample breaks. */
  static List<String> broken(Sample s) {
    List<String> ids = new ArrayList<>();
    for (Rule r : Rules.standard()) {
      if (r.breaks(s)) {
        ids.add(r.id());
      }
    }
    return ids;
  }

  @Test
  void aCleanConversationBreaksNothing() {
    assertThat(broken(sample("chat", "off", system("Be kind."), user("Hi"), assistant("Hello!"),
        user("Bye"), assistant("Bye!")))).isEmpty();
  }

  @Nested
  class RoleOrder {
    @Test
    void acceptsUserAndAssistantTurnsAndAnsweredToolCalls() {
      Sample s = withMetadata("{\"tools\":[{\"name\":\"f\"}]}", user("q"),
          calls(ToolCall.of("1", "f", "{}"), ToolCall.of("2", "f", "{}")), tool("a"), tool("b"),
          assistant("done"));
      assertThat(Rules.rolesOutOfOrder(s)).isFalse();
      assertThat(broken(s)).isEmpty();
    }

    @Test
    void flagsEachWrongOrder() {
      assertThat(Rules.rolesOutOfOrder(sample("chat", "off", system("s"), assistant("a"))))
          .as("assistant right after system").isTrue();
      assertThat(Rules.rolesOutOfOrder(sample("chat", "off", assistant("a"), user("u"))))
          .as("first turn not user").isTrue();
      assertThat(Rules.rolesOutOfOrder(sample("chat", "off", user("u"), user("v"), assistant("a"))))
          .as("two users in a row").isTrue();
      assertThat(Rules.rolesOutOfOrder(sample("chat", "off", user("u"), assistant("a"),
          assistant("b")))).as("two assistant turns in a row").isTrue();
      assertThat(Rules.rolesOutOfOrder(sample("chat", "off", user("u"),
          calls(ToolCall.of("1", "f", "{}")), assistant("a")))).as("unanswered call").isTrue();
      assertThat(Rules.rolesOutOfOrder(sample("chat", "off", user("u"), tool("t"), assistant("a"))))
          .as("tool without call").isTrue();
      assertThat(Rules.rolesOutOfOrder(sample("chat", "off", user("u"), assistant("a"), tool("t"))))
          .as("tool after an assistant that called nothing").isTrue();
      assertThat(Rules.rolesOutOfOrder(sample("chat", "off", user("u"), system("s"), assistant("a"))))
          .as("system not first").isTrue();
      assertThat(Rules.rolesOutOfOrder(sample("chat", "off", system("s"), user("u"), assistant("a"))))
          .isFalse();
    }
  }

  @Nested
  class Think {
    @Test
    void emptyBlockIsBrokenOnlyWhenReasoningIsOn() {
      Message empty = assistant("<think>\n</think>\n\nAnswer.");
      assertThat(broken(sample("chat", "off", user("q"), empty))).isEmpty();
      assertThat(broken(sample("chat", "on", user("q"), empty)))
          .containsExactly("broken_think_block", "reasoning_on_without_trace");
    }

    @Test
    void unterminatedAndStrayTagsAreBrokenInAnyAssistantTurn() {
      assertThat(Rules.brokenThinkBlock(sample("chat", "on", user("q"),
          assistant("<think>unfinished"), user("and?"), assistant("<think>ok</think>fine"))))
          .isTrue();
      assertThat(Rules.brokenThinkBlock(sample("chat", "on", user("q"),
          assistant("trace without an opening tag</think>answer")))).isTrue();
      assertThat(Rules.brokenThinkBlock(sample("chat", "on", user("q"),
          assistant("<think>a</think>b<think>c</think>d")))).isTrue();
      assertThat(Rules.brokenThinkBlock(sample("chat", "on", user("q"),
          assistant("<think>a</think>b")))).isFalse();
    }

    @Test
    void reasoningFlagsMustAgreeWithTheTrace() {
      assertThat(Rules.REASONING_ON_WITHOUT_TRACE.breaks(
          sample("chat", "on", user("q"), assistant("no trace")))).isTrue();
      assertThat(Rules.REASONING_ON_WITHOUT_TRACE.breaks(
          sample("chat", "on", user("q"), assistant("<think>t</think>a")))).isFalse();
      assertThat(Rules.REASONING_OFF_WITH_TRACE.breaks(
          sample("chat", "off", user("q"), assistant("<think>t</think>a"), user("q2"),
              assistant("a2")))).as("trace in an earlier turn").isTrue();
      assertThat(Rules.REASONING_OFF_WITH_TRACE.breaks(
          sample("chat", "off", user("q"), assistant("<think> </think>a")))).isFalse();
    }
  }

  @Test
  void mathNeedsBoxedOutsideTheTraceAndCodeNeedsAFence() {
    assertThat(Rules.MATH_WITHOUT_BOXED.breaks(
        sample("math", "on", user("q"), assistant("<think>\\boxed{1}</think>It is 1.")))).isTrue();
    assertThat(Rules.MATH_WITHOUT_BOXED.breaks(
        sample("math", "on", user("q"), assistant("<think>t</think>It is \\boxed{1}.")))).isFalse();
    assertThat(Rules.MATH_WITHOUT_BOXED.breaks(sample("chat", "off", user("q"), assistant("1"))))
        .isFalse();
    assertThat(Rules.CODE_WITHOUT_FENCE.breaks(
        sample("code", "off", user("q"), assistant("```java\nclass A {}\n```")))).isFalse();
    assertThat(Rules.CODE_WITHOUT_FENCE.breaks(
        sample("code", "off", user("q"), assistant("class A {}")))).isTrue();
    assertThat(Rules.CODE_WITHOUT_FENCE.breaks(sample("code", "off", user("q"),
        assistant("Here:\n```java\nclass A {}")))).as("opened, never closed").isTrue();
    assertThat(Rules.CODE_WITHOUT_FENCE.breaks(sample("code", "off", user("q"),
        assistant("A fence is ````, four backticks.")))).as("one run of backticks").isTrue();
    assertThat(Rules.CODE_WITHOUT_FENCE.breaks(sample("code", "off", user("q"),
        assistant("a\n```\nx = 1\n```\nand\n```py\ny = 2\n```")))).isFalse();
  }

  @Nested
  class Tools {
    static final String OPENAI = "{\"tools\":[{\"type\":\"function\",\"function\":{\"name\":"
        + "\"get_weather\",\"description\":\"d\",\"parameters\":{\"type\":\"object\"}}}]}";
    static final String BARE = "{\"tools\":[{\"name\":\"search\",\"parameters\":{}}]}";
    static final String DOUBLE_ENCODED = "{\"tools\":\"[{\\\"name\\\":\\\"search\\\"}]\"}";

    Sample calling(String metadata, String name, String arguments) {
      return withMetadata(metadata, user("q"), calls(ToolCall.of("1", name, arguments)),
          tool("r"), assistant("a"));
    }

    @Test
    void knowsToolsInBothShapes() {
      assertThat(ToolDefinitions.names(OPENAI)).containsExactly("get_weather");
      assertThat(ToolDefinitions.names(BARE)).containsExactly("search");
      assertThat(ToolDefinitions.names(DOUBLE_ENCODED)).containsExactly("search");
      assertThat(ToolDefinitions.names("{not json")).isEmpty();
      assertThat(ToolDefinitions.names(null)).isEmpty();
    }

    @Test
    void callsMustNameADefinedTool() {
      assertThat(broken(calling(OPENAI, "get_weather", "{\"city\":\"Paris\"}"))).isEmpty();
      assertThat(broken(calling(BARE, "search", "{\"q\":\"x\"}"))).isEmpty();
      assertThat(broken(calling(OPENAI, "search", "{}"))).containsExactly("unknown_tool");
      assertThat(broken(calling(BARE, "get_weather", "{}"))).containsExactly("unknown_tool");
      assertThat(broken(calling(null, "search", "{}"))).containsExactly("unknown_tool");
    }

    @Test
    void argumentsMustBeJson() {
      assertThat(broken(calling(BARE, "search", "{q: x}")))
          .containsExactly("tool_arguments_not_json");
      assertThat(broken(calling(BARE, "search", "{\"q\": 1} trailing")))
          .containsExactly("tool_arguments_not_json");
      assertThat(broken(calling(BARE, "search", null)))
          .containsExactly("tool_arguments_not_json");
      for (String notAnObject : List.of("42", "[1]", "\"{}\"", "null", "{} {}")) {
        assertThat(broken(calling(BARE, "search", notAnObject))).as(notAnObject)
            .containsExactly("tool_arguments_not_json");
      }
      assertThat(broken(calling(BARE, "search", " {\"q\": [1, {}]} "))).isEmpty();
    }
  }

  @Test
  void metadataMustBeJsonWhenPresent() {
    Sample base = sample("chat", "off", user("q"), assistant("a"));
    assertThat(Rules.METADATA_NOT_JSON.breaks(base)).isFalse();
    assertThat(Rules.METADATA_NOT_JSON.breaks(base.toBuilder().metadata("").build())).isFalse();
    assertThat(Rules.METADATA_NOT_JSON.breaks(base.toBuilder().metadata("{}").build())).isFalse();
    assertThat(Rules.METADATA_NOT_JSON.breaks(base.toBuilder().metadata("{\"a\":").build()))
        .isTrue();
  }

  @Test
  void selfIdentificationLooksAtTheFinalAnswerOnly() {
    assertThat(Rules.SELF_IDENTIFICATION.breaks(
        sample("chat", "on", user("q"), assistant("<think>I am Qwen</think>Hello.")))).isFalse();
    assertThat(Rules.SELF_IDENTIFICATION.breaks(
        sample("chat", "on", user("q"), assistant("<think>t</think>I'm DeepSeek.")))).isTrue();
  }
}
