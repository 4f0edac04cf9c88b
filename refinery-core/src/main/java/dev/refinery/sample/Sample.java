package dev.refinery.sample;

import java.util.List;
import java.util.Map;

/**
 * One record of a post-training dataset in the Nemotron Post-Training Dataset v1 schema: {@code
 * uuid, license, generator, version, category, reasoning, messages, metadata}. {@code metadata} is
 * a JSON string (tool definitions of tool_calling rows live in {@code metadata.tools}); {@code
 * reasoning} is "on" or "off" in well-formed data but is kept as read. Columns the schema does not
 * name ride along in {@code extra}.
 *
 * <p>{@code id} is where the row came from in a run ({@link RowId}), given by the run's reader and
 * kept by every change made through {@link #toBuilder()}; null for a sample built in code. It is
 * not part of the row's content: it is never written to a dataset, and two samples with the same
 * fields are equal whatever their ids.
 */
public record Sample(
    String uuid,
    String license,
    String generator,
    String version,
    String category,
    String reasoning,
    List<Message> messages,
    String metadata,
    Map<String, Object> extra,
    RowId id) {

  public static final String REASONING_ON = "on";
  public static final String REASONING_OFF = "off";

  public Sample {
    messages = messages == null ? List.of() : List.copyOf(messages);
    extra = Extras.copyOf(extra);
  }

  /** A sample without an id (built in code, not read by a run). */
  public Sample(String uuid, String license, String generator, String version, String category,
      String reasoning, List<Message> messages, String metadata, Map<String, Object> extra) {
    this(uuid, license, generator, version, category, reasoning, messages, metadata, extra, null);
  }

  /** The same row with id {@code newId}. */
  public Sample withId(RowId newId) {
    return new Sample(uuid, license, generator, version, category, reasoning, messages, metadata,
        extra, newId);
  }

  /** Content equality: the id says where a row came from, not what it is. */
  @Override
  public boolean equals(Object o) {
    return o instanceof Sample s && java.util.Objects.equals(uuid, s.uuid)
        && java.util.Objects.equals(license, s.license)
        && java.util.Objects.equals(generator, s.generator)
        && java.util.Objects.equals(version, s.version)
        && java.util.Objects.equals(category, s.category)
        && java.util.Objects.equals(reasoning, s.reasoning)
        && messages.equals(s.messages)
        && java.util.Objects.equals(metadata, s.metadata)
        && extra.equals(s.extra);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(uuid, license, generator, version, category, reasoning,
        messages, metadata, extra);
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
        .uuid(uuid).license(license).generator(generator).version(version)
        .category(category).reasoning(reasoning).messages(messages).metadata(metadata)
        .extra(extra).id(id);
  }

  public boolean reasoningOn() {
    return REASONING_ON.equals(reasoning);
  }

  /** The first user turn's content, or null when there is none. */
  public String firstUserPrompt() {
    for (Message m : messages) {
      if (m.isUser()) {
        return m.content();
      }
    }
    return null;
  }

  /** The last assistant turn, or null when there is none. */
  public Message finalAssistant() {
    for (int i = messages.size() - 1; i >= 0; i--) {
      if (messages.get(i).isAssistant()) {
        return messages.get(i);
      }
    }
    return null;
  }

  public int toolCallCount() {
    int n = 0;
    for (Message m : messages) {
      n += m.toolCallsOrEmpty().size();
    }
    return n;
  }

  public Sample withUuid(String newUuid) {
    return toBuilder().uuid(newUuid).build();
  }

  public Sample withMessages(List<Message> newMessages) {
    return toBuilder().messages(newMessages).build();
  }

  /** Builds a {@link Sample}; every field is optional. */
  public static final class Builder {
    private String uuid;
    private String license;
    private String generator;
    private String version;
    private String category;
    private String reasoning;
    private List<Message> messages = List.of();
    private String metadata;
    private Map<String, Object> extra = Extras.NONE;
    private RowId id;

    private Builder() {}

    public Builder uuid(String v) { this.uuid = v; return this; }
    public Builder license(String v) { this.license = v; return this; }
    public Builder generator(String v) { this.generator = v; return this; }
    public Builder version(String v) { this.version = v; return this; }
    public Builder category(String v) { this.category = v; return this; }
    public Builder reasoning(String v) { this.reasoning = v; return this; }
    public Builder messages(List<Message> v) { this.messages = v; return this; }
    public Builder metadata(String v) { this.metadata = v; return this; }
    public Builder extra(Map<String, Object> v) { this.extra = v; return this; }
    public Builder id(RowId v) { this.id = v; return this; }

    public Sample build() {
      return new Sample(uuid, license, generator, version, category, reasoning, messages,
          metadata, extra, id);
    }
  }
}
