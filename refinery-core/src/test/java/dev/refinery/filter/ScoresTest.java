package dev.refinery.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScoresTest {
  private static Map<String, Double> expected() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("word_count", 12.0);
    m.put("dup_line_frac", 0.25);
    m.put("mean_word_length", 4.5);
    return m;
  }

  @Test
  void aBuiltScoresIsTheMapOfItsPutsInOrder() {
    Scores s = Scores.builder().put("word_count", 3).put("dup_line_frac", 0.25)
        .put("mean_word_length", 4.5).put("word_count", 12).build();

    assertThat(s.values()).isEqualTo(expected()).hasSameHashCodeAs(expected());
    assertThat(s.values().keySet()).containsExactly("word_count", "dup_line_frac",
        "mean_word_length");
    assertThat(s.values().toString()).isEqualTo(expected().toString());
    assertThat(s).isEqualTo(new Scores(expected()));
    assertThat(s.get("dup_line_frac")).isEqualTo(0.25);
    assertThat(s.has("mean_word_length")).isTrue();
    assertThat(s.has("chars")).isFalse();
    assertThat(s.values().get("chars")).isNull();
    assertThatThrownBy(() -> s.get("chars")).hasMessage(
        "no score 'chars'; have [word_count, dup_line_frac, mean_word_length]");
  }

  @Test
  void scoresCannotBeChangedAndSurviveSerialization() throws Exception {
    Map<String, Double> source = expected();
    Scores s = new Scores(source);
    source.put("chars", 1.0);
    assertThat(s.values()).hasSize(3);
    assertThatThrownBy(() -> s.values().put("chars", 1.0))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> s.values().entrySet().iterator().remove())
        .isInstanceOf(UnsupportedOperationException.class);

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(s);
    }
    try (ObjectInputStream in = new ObjectInputStream(
        new ByteArrayInputStream(bytes.toByteArray()))) {
      assertThat(in.readObject()).isEqualTo(s);
    }
    assertThat(Scores.NONE.values()).isEmpty();
    assertThat(Scores.of("chars", 2).get("chars")).isEqualTo(2.0);
  }
}
