package dev.refinery.filter.heuristic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.TestData;
import dev.refinery.filter.Filter;
import dev.refinery.filter.FilterTypes;
import dev.refinery.filter.Params;
import dev.refinery.internal.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every case extracted from NeMo Curator's own filter tests (testdata/filter-test-vectors):
 * the filter built from the recorded constructor call keeps exactly the expected texts, in order.
 */
class CuratorTestVectorsTest {
  private static final String VECTORS = "filter-test-vectors/nemo_curator_heuristic_filter_cases.json";

  private static final Map<String, String> NAME_OF_CLASS = Map.ofEntries(
      Map.entry("NonAlphaNumericFilter", "non_alpha_numeric"),
      Map.entry("SymbolsToWordsFilter", "symbols_to_words"),
      Map.entry("NumbersFilter", "numbers"),
      Map.entry("UrlsFilter", "urls"),
      Map.entry("BulletsFilter", "bullets"),
      Map.entry("WhiteSpaceFilter", "white_space"),
      Map.entry("ParenthesesFilter", "parentheses"),
      Map.entry("LongWordFilter", "long_word"),
      Map.entry("WordCountFilter", "word_count"),
      Map.entry("BoilerPlateStringFilter", "boilerplate_string"),
      Map.entry("MeanWordLengthFilter", "mean_word_length"),
      Map.entry("RepeatedLinesFilter", "repeated_lines"),
      Map.entry("RepeatedParagraphsFilter", "repeated_paragraphs"),
      Map.entry("RepeatedLinesByCharFilter", "repeated_lines_by_char"),
      Map.entry("RepeatedParagraphsByCharFilter", "repeated_paragraphs_by_char"),
      Map.entry("RepeatingTopNGramsFilter", "repeating_top_ngrams"),
      Map.entry("RepeatingDuplicateNGramsFilter", "repeating_duplicate_ngrams"),
      Map.entry("PunctuationFilter", "punctuation"),
      Map.entry("EllipsisFilter", "ellipsis"),
      Map.entry("CommonEnglishWordsFilter", "common_english_words"),
      Map.entry("WordsWithoutAlphabetsFilter", "words_without_alphabets"),
      Map.entry("PornographicUrlsFilter", "pornographic_urls"));

  @SuppressWarnings("unchecked")
  static Map<String, Object> vectors() throws Exception {
    Path file = TestData.file(VECTORS);
    return (Map<String, Object>) Json.parse(Files.readString(file));
  }

  @SuppressWarnings("unchecked")
  static Stream<Arguments> cases() throws Exception {
    List<Arguments> out = new ArrayList<>();
    for (Object c : (List<Object>) vectors().get("cases")) {
      Map<String, Object> m = (Map<String, Object>) c;
      if (!leftOut(m)) {
        out.add(Arguments.of(m.get("test") + " " + m.get("filter"), m));
      }
    }
    return out.stream();
  }

  /**
   * Cases that cannot apply, left out rather than skipped: skipped upstream too (WordCount ja
   * needs MeCab; Refinery refuses lang ja), or HistogramFilter, which needs NeMo Curator's
   * character-histogram files and is not implemented.
   */
  private static boolean leftOut(Map<String, Object> c) {
    return Boolean.TRUE.equals(c.get("skipped_upstream"))
        || "HistogramFilter".equals(c.get("filter_class"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void onlyTheCasesThatCannotApplyAreLeftOut() throws Exception {
    List<String> leftOut = new ArrayList<>();
    for (Object c : (List<Object>) vectors().get("cases")) {
      if (leftOut((Map<String, Object>) c)) {
        leftOut.add(String.valueOf(((Map<String, Object>) c).get("filter_class")));
      }
    }
    assertThat(leftOut).hasSize(3);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  @SuppressWarnings("unchecked")
  void keepsExactlyWhatNemoCuratorKeeps(String id, Map<String, Object> c) {
    String call = (String) c.get("filter");
    String name = NAME_OF_CLASS.get((String) c.get("filter_class"));
    assertThat(name).as("mapped filter class of %s", call).isNotNull();
    Filter<String> filter = build(name, kwargs(call));

    List<String> kept = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    for (Object in : (List<Object>) c.get("inputs")) {
      String text = (String) in;
      (filter.apply(text).kept() ? kept : removed).add(text);
    }
    assertThat(kept).as("kept by %s", call).isEqualTo(c.get("expected_kept"));
    assertThat(removed).as("removed by %s", call).isEqualTo(c.get("expected_removed"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void defaultsAreNemoCuratorsDefaults() throws Exception {
    Map<String, Object> defaults = (Map<String, Object>) vectors().get("filter_defaults");
    int checked = 0;
    for (Map.Entry<String, Object> e : defaults.entrySet()) {
      String name = NAME_OF_CLASS.get(e.getKey());
      assertThat(name).as("mapped %s", e.getKey()).isNotNull();
      Map<String, Object> ours = Params.defaults(FilterTypes.byName(name, "test").params()).asMap();
      Map<String, Object> theirs =
          (Map<String, Object>) ((Map<String, Object>) e.getValue()).get("init_defaults");
      assertThat(ours.keySet()).as(name).isEqualTo(theirs.keySet());
      for (Map.Entry<String, Object> d : theirs.entrySet()) {
        Object mine = ours.get(d.getKey());
        Object upstream = d.getValue();
        if (upstream == null) {
          // Curator's None url_regex means its built-in pattern; ours spells that "".
          assertThat(mine).as(name + "." + d.getKey()).isEqualTo("");
        } else if (upstream instanceof Number n) {
          assertThat(((Number) mine).doubleValue()).as(name + "." + d.getKey())
              .isEqualTo(n.doubleValue());
        } else {
          assertThat(mine).as(name + "." + d.getKey()).isEqualTo(upstream);
        }
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(30);
  }

  @Test
  @SuppressWarnings("unchecked")
  void urlRegexFindsWhatNemoCuratorsFinds() throws Exception {
    Map<String, Object> v = vectors();
    assertThat(v.get("url_regex")).isEqualTo(CuratorUrls.DEFAULT_REGEX);
    List<Object> cases = (List<Object>) v.get("url_regex_cases");
    assertThat(cases).isNotEmpty();
    for (Object o : cases) {
      Map<String, Object> c = (Map<String, Object>) o;
      String text = (String) c.get("text");
      assertThat(CuratorUrls.DEFAULT.findAll(text)).as(text).isEqualTo(c.get("expected_findall"));
      assertThat(CuratorUrls.of("urls", (String) v.get("url_regex")).findAll(text)).as(text)
          .isEqualTo(c.get("expected_findall"));
    }
  }

  @SuppressWarnings("unchecked")
  static Filter<String> build(String name, Map<String, Object> kwargs) {
    return (Filter<String>) FilterTypes.byName(name, "test")
        .create(Params.resolve(FilterTypes.byName(name, "test").params(), kwargs, name));
  }

  private static final Pattern KWARG = Pattern.compile(
      "(\\w+)=('(?:[^'\\\\]|\\\\.)*'|True|False|-?[0-9.]+)");

  /** The keyword arguments of a Python constructor call such as {@code F(n=3, lang='zh')}. */
  static Map<String, Object> kwargs(String call) {
    String args = call.substring(call.indexOf('(') + 1, call.lastIndexOf(')'));
    Map<String, Object> out = new LinkedHashMap<>();
    Matcher m = KWARG.matcher(args);
    int consumed = 0;
    while (m.find()) {
      String v = m.group(2);
      Object value;
      if (v.startsWith("'")) {
        value = v.substring(1, v.length() - 1).replaceAll("\\\\(.)", "$1");
      } else if (v.equals("True") || v.equals("False")) {
        value = v.equals("True");
      } else if (v.contains(".")) {
        value = Double.parseDouble(v);
      } else {
        value = Long.parseLong(v);
      }
      out.put(m.group(1), value);
      consumed += m.group().length();
    }
    assertThat(consumed).as("every argument of %s understood", call)
        .isEqualTo(args.replaceAll(",\\s*", "").length());
    return out;
  }
}
