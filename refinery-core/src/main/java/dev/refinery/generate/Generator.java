package dev.refinery.generate;

import dev.refinery.internal.Json;
import dev.refinery.internal.TextCheck;
import dev.refinery.sample.ContentUuid;
import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Turns one prompt, a reasoning mode and a sample index into one Nemotron v1 row or one failure
 * record, through a {@link ChatClient}.
 *
 * <p>The row's uuid is a UUID version 5 of (prompt uuid, reasoning, sample index) under {@link
 * #NAMESPACE}, so a rerun or a resume names the same (prompt, mode, index) the same way. With a
 * base seed, each request's seed is derived from the base seed and that uuid, so the K samples of
 * a prompt differ from each other but each is reproducible.
 *
 * <p>A 200 answer with neither an answer nor tool calls is a failure ({@value #EMPTY_ANSWER}),
 * as is one that does not fit the mode; an answer that says every request would fail (a wrong
 * key, model or URL: {@link GenerationException#fatal()}) is thrown, not recorded.
 *
 * <p>The row keeps the prompt's messages (without the switch the mode put into the request; the
 * {@code reasoning} field says the mode) followed by the generated assistant turn in v1 form; its
 * {@code metadata} is the prompt's metadata object (tools included) plus a {@code generation}
 * object holding the request parameters, finish reason and token usage. The number of attempts is
 * not written: it depends on faults, and the same input must give the same rows.
 */
public final class Generator {
  /** {@code uuid5(NAMESPACE_URL, "https://refinery.dev/ns/generated-sample")}; never change. */
  public static final UUID NAMESPACE = UUID.fromString("d7fc359e-7d08-5a12-8684-443c7715011a");
  /** The failure kind of a 200 answer without content or tool calls. */
  public static final String EMPTY_ANSWER = "EMPTY_ANSWER";
  /** The failure kind of an answer holding text no UTF-8 file can store (a lone surrogate). */
  public static final String INVALID_UNICODE = "INVALID_UNICODE";

  /** How every request is made, besides the prompt and the mode. */
  public record Settings(String model, Double temperature, Double topP, Integer maxTokens,
                         Long seed, Map<String, Object> extra) {
    public Settings {
      // Insertion order kept: the request body and the metadata must be the same bytes each run.
      extra = extra == null ? Map.of()
          : Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    }
  }

  private final ChatClient client;
  private final Settings settings;

  public Generator(ChatClient client, Settings settings) {
    this.client = client;
    this.settings = settings;
  }

  /** The uuid of the row for (prompt, mode, index); a prompt without uuid is named by content. */
  public static String rowUuid(Sample prompt, ReasoningMode mode, int sampleIndex) {
    return ContentUuid.v5(NAMESPACE, promptUuid(prompt) + "\n" + mode.reasoning() + "\n"
        + sampleIndex).toString();
  }

  public Generation generate(Sample prompt, ReasoningMode mode, int sampleIndex)
      throws InterruptedException {
    String uuid = rowUuid(prompt, mode, sampleIndex);
    ChatRequest base = ChatRequest.forPrompt(settings.model(), prompt)
        .withSampling(settings.temperature(), settings.topP(), settings.maxTokens())
        .withSeed(settings.seed() == null ? null : requestSeed(settings.seed(), uuid))
        .withExtra(settings.extra());
    ChatRequest request = mode.apply(base);
    Completion completion;
    try {
      completion = client.complete(request);
    } catch (GenerationException e) {
      if (e.fatal()) {
        throw e; // every other request would fail the same way: the run stops
      }
      return new Generation(null, new Generation.Failure(uuid, promptUuid(prompt),
          mode.reasoning(), sampleIndex, e.kind().name(), e.status(), e.attempts(),
          e.getMessage()));
    }
    ChatResponse response = completion.response();
    Optional<String> empty = emptyAnswer(response);
    if (empty.isPresent()) {
      return new Generation(null, new Generation.Failure(uuid, promptUuid(prompt),
          mode.reasoning(), sampleIndex, EMPTY_ANSWER, 200, completion.attempts(),
          empty.get()));
    }
    Optional<String> mismatch = mode.mismatch(response);
    if (mismatch.isPresent()) {
      return new Generation(null, new Generation.Failure(uuid, promptUuid(prompt),
          mode.reasoning(), sampleIndex, "MODE_MISMATCH", 200, completion.attempts(),
          mismatch.get()));
    }
    String content = mode.v1Content(response);
    TextCheck.Unpaired unpaired = TextCheck.unpairedSurrogate(Arrays.asList(content,
        response.toolCalls().stream().map(c -> c.function().name() + c.function().arguments())
            .toList()));
    if (unpaired != null) {
      // No UTF-8 file can hold it, so no row can: a failure, as for an unreadable answer.
      return new Generation(null, new Generation.Failure(uuid, promptUuid(prompt),
          mode.reasoning(), sampleIndex, INVALID_UNICODE, 200, completion.attempts(),
          "the response holds an unpaired surrogate " + unpaired.escaped()));
    }
    List<Message> messages = new ArrayList<>(base.messages());
    messages.add(new Message(Message.ASSISTANT, content,
        response.toolCalls().isEmpty() ? null : response.toolCalls(), null));
    Sample row = prompt.toBuilder()
        .uuid(uuid)
        .generator(settings.model())
        .reasoning(mode.reasoning())
        .messages(messages)
        .metadata(metadata(prompt, request, response, sampleIndex))
        .build();
    return new Generation(row, null);
  }

  /**
   * Why a 200 answer makes no row: no content outside the trace (null, empty, or only a {@code
   * <think>} block) and no tool calls. A row of it would teach an empty answer.
   */
  static Optional<String> emptyAnswer(ChatResponse response) {
    if (!response.answer().isEmpty() || !response.toolCalls().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of("the response has no answer and no tool calls (finish_reason "
        + response.finishReason() + (response.hasTrace() ? "; only a reasoning trace of "
        + response.trace().length() + " chars" : "") + ")");
  }

  /** A non-negative 31-bit seed: some servers take the seed as a signed 32-bit int. */
  static long requestSeed(long baseSeed, String rowUuid) {
    UUID mixed = ContentUuid.v5(NAMESPACE, baseSeed + "\n" + rowUuid);
    return mixed.getMostSignificantBits() >>> 33;
  }

  private static String promptUuid(Sample prompt) {
    return prompt.uuid() != null ? prompt.uuid() : ContentUuid.of(prompt);
  }

  private String metadata(Sample prompt, ChatRequest request, ChatResponse response,
      int sampleIndex) {
    Map<String, Object> out = new LinkedHashMap<>();
    Object given = Json.parseOrNull(prompt.metadata());
    if (given instanceof Map<?, ?> map) {
      map.forEach((k, v) -> out.put(String.valueOf(k), v));
    } else if (prompt.metadata() != null && !prompt.metadata().isBlank()) {
      out.put("prompt_metadata", prompt.metadata());
    }
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("temperature", request.temperature());
    params.put("top_p", request.topP());
    params.put("max_tokens", request.maxTokens());
    params.put("seed", request.seed());
    params.putAll(request.extra());
    Map<String, Object> generation = new LinkedHashMap<>();
    generation.put("prompt_uuid", promptUuid(prompt));
    generation.put("sample_index", sampleIndex);
    generation.put("request", params);
    generation.put("finish_reason", response.finishReason());
    if (response.usage() != null) {
      Map<String, Object> usage = new LinkedHashMap<>();
      usage.put("prompt_tokens", response.usage().promptTokens());
      usage.put("completion_tokens", response.usage().completionTokens());
      generation.put("usage", usage);
    }
    out.put("generation", generation);
    return Json.write(out);
  }
}
