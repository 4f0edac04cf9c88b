package dev.refinery.filter.heuristic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.TestData;
import dev.refinery.filter.Filter;
import dev.refinery.filter.FilterType;
import dev.refinery.filter.FilterTypes;
import dev.refinery.filter.Params;
import dev.refinery.filter.Verdict;
import dev.refinery.internal.Json;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every case of datatrove's own filter tests (testdata/filter-test-vectors), verdict exact. */
class DatatroveCasesTest {
  private static final Map<String, String> NAMES = Map.of(
      "GopherQualityFilter", "gopher_quality",
      "GopherRepetitionFilter", "gopher_repetition",
      "C4QualityFilter", "c4_quality",
      "C4ParagraphFilter", "c4_paragraph",
      "FineWebQualityFilter", "fineweb_quality",
      "URLFilter", "url",
      "RegexFilter", "regex");

  @SuppressWarnings("unchecked")
  private static Map<String, Object> vectors() throws Exception {
    return (Map<String, Object>) Json.parse(Files.readString(
        TestData.file("filter-test-vectors/datatrove_filter_cases.json")));
  }

  @SuppressWarnings("unchecked")
  static Stream<Arguments> cases() throws Exception {
    List<Arguments> out = new ArrayList<>();
    List<Object> cases = (List<Object>) vectors().get("cases");
    for (int i = 0; i < cases.size(); i++) {
      Map<String, Object> c = (Map<String, Object>) cases.get(i);
      // Filters that need outside data (a word frequency table) are left out, not skipped.
      if (NAMES.containsKey((String) c.get("filter"))) {
        out.add(Arguments.of(i + " " + c.get("filter") + " " + c.get("expected"), c));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  @SuppressWarnings("unchecked")
  void reproducesDatatrovesVerdict(String label, Map<String, Object> c) {
    String name = NAMES.get((String) c.get("filter"));
    FilterType type = FilterTypes.byName(name, "test");
    Filter<String> filter = (Filter<String>) type.create(Params.resolve(type.params(),
        (Map<String, Object>) c.get("kwargs"), name));
    Map<String, Object> metadata = (Map<String, Object>) c.get("metadata");
    String input = name.equals("url") ? (String) metadata.get("url") : (String) c.get("text");
    Map<String, Object> expected = (Map<String, Object>) c.get("expected");

    Verdict verdict = filter.apply(input);

    if (expected.containsKey("kept")) {
      assertThat(verdict.kept()).as("kept; scores %s", filter.score(input))
          .isEqualTo(expected.get("kept"));
    }
    if (expected.containsKey("reason")) {
      assertThat(verdict.dropReason()).isEqualTo(expected.get("reason"));
    }
    if (expected.containsKey("reason_contains")) {
      assertThat(verdict.dropReason()).contains((String) expected.get("reason_contains"));
    }
    if (expected.containsKey("text_after_must_not_contain")) {
      assertThat(filter).isInstanceOf(TextFormatter.class);
      assertThat(verdict.kept()).isTrue();
      assertThat(((TextFormatter) filter).transform(input))
          .doesNotContain((String) expected.get("text_after_must_not_contain"))
          .isNotEmpty();
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void onlyTheUnigramLogProbCasesAreLeftOut() throws Exception {
    assertThat(((List<Object>) vectors().get("cases")).stream()
        .map(c -> (String) ((Map<String, Object>) c).get("filter"))
        .filter(f -> !NAMES.containsKey(f)).toList())
        .containsExactly("UnigramLogProbFilter", "UnigramLogProbFilter");
  }

  @Test
  @SuppressWarnings("unchecked")
  void symbolLinesFormatterMatchesDatatrove() throws Exception {
    List<Object> cases = (List<Object>) vectors().get("formatter_cases");
    assertThat(cases).isNotEmpty();
    for (Object o : cases) {
      Map<String, Object> c = (Map<String, Object>) o;
      assertThat(new SymbolLinesFormatter().transform((String) c.get("input")))
          .isEqualTo(c.get("expected_output"));
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void defaultsMatchDatatrove() throws Exception {
    Map<String, Object> defaults = (Map<String, Object>) vectors().get("filter_defaults");
    int checked = 0;
    for (Map.Entry<String, String> e : NAMES.entrySet()) {
      Map<String, Object> init = (Map<String, Object>) ((Map<String, Object>) defaults
          .get(e.getKey())).get("init_defaults");
      FilterType type = FilterTypes.byName(e.getValue(), "test");
      for (var p : type.params()) {
        Object theirs = init.get(p.name());
        if (theirs == null || p.defaultValue() == null) {
          continue; // None in datatrove: an empty list or "use datatrove's set" here
        }
        if (theirs instanceof Number n) {
          assertThat(((Number) p.defaultValue()).doubleValue()).as(p.name())
              .isEqualTo(n.doubleValue());
        } else if (theirs instanceof Boolean) {
          if (!p.name().equals("use_integrated_lists")) {
            assertThat(p.defaultValue()).as(p.name()).isEqualTo(theirs);
          }
        } else if (theirs instanceof List<?> pairs) {
          Map<String, Double> ours = (Map<String, Double>) p.defaultValue();
          assertThat(ours).hasSize(pairs.size());
          for (Object pair : pairs) {
            List<Number> nf = (List<Number>) pair;
            assertThat(ours.get(String.valueOf(nf.get(0).intValue())))
                .isEqualTo(nf.get(1).doubleValue());
          }
        }
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(25);
  }
}
