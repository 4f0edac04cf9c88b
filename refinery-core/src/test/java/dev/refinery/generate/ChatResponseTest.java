package dev.refinery.generate;

import static dev.refinery.generate.FakeChatServer.completion;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.refinery.sample.ThinkBlock;
import org.junit.jupiter.api.Test;

class ChatResponseTest {

  @Test
  void plainContent() {
    ChatResponse r = ChatResponse.parse(completion("  The answer is 4.\n", null));
    assertThat(r.answer()).isEqualTo("The answer is 4.");
    assertThat(r.trace()).isNull();
    assertThat(r.traceState()).isEqualTo(ThinkBlock.State.ABSENT);
    assertThat(r.finishReason()).isEqualTo("stop");
    assertThat(r.model()).isEqualTo("test-model");
    assertThat(r.usage()).isEqualTo(new ChatResponse.Usage(12, 34));
  }

  @Test
  void thinkBlockInTheContent() {
    ChatResponse r = ChatResponse.parse(completion("<think>\n2 plus 2\n</think>\n\n4", null));
    assertThat(r.trace()).isEqualTo("2 plus 2");
    assertThat(r.answer()).isEqualTo("4");
    assertThat(r.traceState()).isEqualTo(ThinkBlock.State.CLOSED);
  }

  @Test
  void deepSeekR1ContentWithoutTheOpeningTag() {
    // R1's template opens <think> in the prompt; the completion starts inside the trace.
    ChatResponse r = ChatResponse.parse(completion("2 plus 2\n</think>\n\n4", null));
    assertThat(r.trace()).isEqualTo("2 plus 2");
    assertThat(r.answer()).isEqualTo("4");
  }

  @Test
  void separateReasoningContentWinsOverAnEmptyThinkBlock() {
    ChatResponse r = ChatResponse.parse(completion("<think>\n\n</think>\n\n4", "\n2 plus 2\n"));
    assertThat(r.trace()).isEqualTo("2 plus 2");
    assertThat(r.answer()).isEqualTo("4");
    assertThat(r.traceState()).isEqualTo(ThinkBlock.State.CLOSED);
  }

  @Test
  void newerVllmReasoningField() {
    ChatResponse r = ChatResponse.parse("{\"choices\":[{\"message\":{\"content\":\"4\","
        + "\"reasoning\":\"add\"},\"finish_reason\":\"stop\"}]}");
    assertThat(r.trace()).isEqualTo("add");
    assertThat(r.usage()).isNull();
  }

  @Test
  void aTraceCutByTheTokenLimitIsUnterminated() {
    ChatResponse r = ChatResponse.parse("{\"choices\":[{\"message\":{\"content\":"
        + "\"<think>\\nstill thinking\"},\"finish_reason\":\"length\"}]}");
    assertThat(r.traceState()).isEqualTo(ThinkBlock.State.UNTERMINATED);
    assertThat(r.finishReason()).isEqualTo("length");
  }

  @Test
  void toolCallArgumentsSentAsAnObjectAreKeptAsJsonText() {
    ChatResponse r = ChatResponse.parse("{\"choices\":[{\"message\":{\"content\":\"\","
        + "\"tool_calls\":[{\"id\":\"c\",\"function\":{\"name\":\"f\",\"arguments\":"
        + "{\"x\":1}}}]}}]}");
    assertThat(r.toolCalls().get(0).arguments()).isEqualTo("{\"x\":1}");
    assertThat(r.toolCalls().get(0).type()).isEqualTo("function");
  }

  @Test
  void unusableBodiesSayWhyInOneLine() {
    assertThat(reason("{\"choices\":[{\"message\":{\"content\":\"hel"))
        .startsWith("response is not valid JSON (").doesNotContain("\n");
    assertThat(reason("")).startsWith("response is not valid JSON (0 chars)");
    assertThat(reason("[1,2]")).isEqualTo("response is not a JSON object");
    assertThat(reason("{\"choices\":[]}")).isEqualTo("response has no choices");
    assertThat(reason("{\"error\":{\"message\":\"model overloaded\\ntry later\"}}"))
        .isEqualTo("response holds an error instead of choices: model overloaded");
    assertThat(reason("{\"choices\":[{\"text\":\"completions API\"}]}"))
        .isEqualTo("response has no choices[0].message object");
    assertThat(reason("{\"choices\":[{\"message\":{\"content\":7}}]}"))
        .isEqualTo("field 'content' is not a string");
    assertThat(reason("{\"choices\":[{\"message\":{\"content\":\"\",\"tool_calls\":"
        + "[{\"function\":{}}]}}]}"))
        .isEqualTo("choices[0].message.tool_calls[0] has no function.name");
  }

  private static String reason(String body) {
    return catchThrowableOfType(() -> ChatResponse.parse(body), GenerationException.class)
        .getMessage();
  }

  @Test
  void anEventStreamJoinsDeltasAndToolCallArgumentsByIndex() {
    // As vLLM and OpenAI stream: role first, a keep-alive comment, calls interleaved by index,
    // arguments in pieces, CRLF line ends, the usage in a chunk of its own, then [DONE].
    String body = String.join("\r\n",
        "data: {\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
            + "\"content\":\"\"}}]}", "",
        ": keep-alive", "",
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"let me \"}}]}", "",
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"see\"}}]}", "",
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"a\","
            + "\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"x\"}}]}}]}",
        "",
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"id\":\"b\","
            + "\"function\":{\"name\":\"g\",\"arguments\":\"{}\"}}]}}]}", "",
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":"
            + "{\"arguments\":\"\\\": 1}\"}}]}}]}", "",
        "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}", "",
        "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":7}}", "",
        "data: [DONE]", "", "");
    ChatResponse r = ChatResponse.parseEventStream(body);
    assertThat(r.trace()).isEqualTo("let me see");
    assertThat(r.answer()).isEmpty();
    assertThat(r.toolCalls()).extracting(c -> c.id() + " " + c.type() + " " + c.name() + " "
        + c.arguments()).containsExactly("a function f {\"x\": 1}", "b function g {}");
    assertThat(r.finishReason()).isEqualTo("tool_calls");
    assertThat(r.usage()).isEqualTo(new ChatResponse.Usage(5, 7));
    assertThat(r.model()).isEqualTo("m");
  }

  @Test
  void aStreamCutOffOrCarryingAnErrorIsUnparseable() {
    String cut = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"The ans\"}}]}\n\n";
    assertThat(catchThrowableOfType(() -> ChatResponse.parseEventStream(cut),
        GenerationException.class)).hasMessage("the event stream ended after 1 chunks without "
        + "[DONE] or a finish_reason (cut off)")
        .extracting(GenerationException::kind).isEqualTo(GenerationException.Kind.UNPARSEABLE);
    String error = cut + "data: {\"error\":{\"message\":\"engine died\"}}\n\ndata: [DONE]\n\n";
    assertThat(catchThrowableOfType(() -> ChatResponse.parseEventStream(error),
        GenerationException.class)).hasMessage("the event stream holds an error: engine died");
    assertThat(catchThrowableOfType(() -> ChatResponse.parseEventStream("data: [DONE]\n\n"),
        GenerationException.class)).hasMessage("the event stream has no chunks before [DONE]");
  }
}
