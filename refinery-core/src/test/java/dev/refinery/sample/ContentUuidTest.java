package dev.refinery.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ContentUuidTest {
  private static final UUID NAMESPACE_DNS =
      UUID.fromString("6ba7b810-9dad-11d1-80b4-00c04fd430c8");
  private static final UUID NAMESPACE_URL =
      UUID.fromString("6ba7b811-9dad-11d1-80b4-00c04fd430c8");

  private static final Sample SAMPLE = Sample.builder()
      .category("chat").reasoning("off")
      .messages(List.of(Message.of("user", "Grüß dich 👋"), Message.of("assistant", "Hallo!")))
      .build();

  @Test
  void matchesPythonUuid5Vector() {
    // uuid.uuid5(uuid.NAMESPACE_DNS, "python.org") in Python's documentation.
    assertThat(ContentUuid.v5(NAMESPACE_DNS, "python.org"))
        .isEqualTo(UUID.fromString("886313e1-3b8a-5372-9b90-0c9aee199e5d"));
    assertThat(ContentUuid.v5(NAMESPACE_DNS, "python.org").version()).isEqualTo(5);
    assertThat(ContentUuid.v5(NAMESPACE_DNS, "python.org").variant()).isEqualTo(2);
  }

  @Test
  void namespaceIsDerivedAsDocumented() {
    assertThat(ContentUuid.v5(NAMESPACE_URL, "https://refinery.dev/ns/sample-content"))
        .isEqualTo(ContentUuid.NAMESPACE);
  }

  @Test
  void sameContentSameIdWhateverTheCurrentUuid() {
    String id = ContentUuid.of(SAMPLE);
    assertThat(ContentUuid.of(SAMPLE.withUuid("something-else"))).isEqualTo(id);
    assertThat(UUID.fromString(id).version()).isEqualTo(5);
  }

  @Test
  void anyContentChangeChangesTheId() {
    String id = ContentUuid.of(SAMPLE);
    assertThat(ContentUuid.of(SAMPLE.toBuilder().category("math").build())).isNotEqualTo(id);
    assertThat(ContentUuid.of(SAMPLE.withMessages(List.of(Message.of("user", "Grüß dich 👋"),
        Message.of("assistant", "Hallo"))))).isNotEqualTo(id);
    assertThat(ContentUuid.of(SAMPLE.toBuilder().extra(Map.of("source", "x")).build()))
        .isNotEqualTo(id);
  }

  @Test
  void keyOrderOfUnknownFieldsDoesNotMatter() {
    Map<String, Object> ab = new java.util.LinkedHashMap<>();
    ab.put("a", 1L);
    ab.put("b", 2L);
    Map<String, Object> ba = new java.util.LinkedHashMap<>();
    ba.put("b", 2L);
    ba.put("a", 1L);
    assertThat(ContentUuid.of(SAMPLE.toBuilder().extra(ab).build()))
        .isEqualTo(ContentUuid.of(SAMPLE.toBuilder().extra(ba).build()));
  }
}
