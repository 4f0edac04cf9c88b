package dev.refinery.mix;

import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import java.util.List;
import org.junit.jupiter.api.Test;

class SplitKeyTest {
  private static Sample withMetadata(String metadata) {
    return Sample.builder().uuid("u").messages(List.of(Message.of("user", "  Hi \n"),
        Message.of("assistant", "Hello"))).metadata(metadata).build();
  }

  @Test
  void metadataKeysWalkNestedObjectsUnlessADottedTopLevelFieldExists() {
    SplitKey nested = SplitKey.parse("metadata.generation.prompt_uuid");
    assertThat(nested.of(withMetadata(
        "{\"generation\": {\"prompt_uuid\": \"p-1\", \"sample_index\": 3}}"))).isEqualTo("p-1");
    assertThat(nested.of(withMetadata(
        "{\"generation.prompt_uuid\": \"top\", \"generation\": {\"prompt_uuid\": \"p-1\"}}")))
        .isEqualTo("top");
    assertThat(nested.of(withMetadata("{\"generation\": \"flat\"}"))).isNull();
    assertThat(nested.of(withMetadata("{\"generation\": {}}"))).isNull();
    assertThat(SplitKey.parse("metadata.generation.sample_index").of(withMetadata(
        "{\"generation\": {\"sample_index\": 3}}"))).isEqualTo("3");
    assertThat(SplitKey.parse("prompt").of(withMetadata("{}"))).isEqualTo("Hi");
  }
}
