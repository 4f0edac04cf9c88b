package dev.refinery.filter.heuristic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.refinery.RefineryException;
import dev.refinery.filter.Filter;
import dev.refinery.filter.FilterType;
import dev.refinery.filter.FilterTypes;
import dev.refinery.filter.Params;
import dev.refinery.filter.Scores;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class CuratorFiltersTest {
  static Filter<String> filter(String name, Map<String, Object> params) {
    return CuratorTestVectorsTest.build(name, params);
  }

  static double score(String name, String scoreName, String text) {
    return filter(name, Map.of()).score(text).get(scoreName);
  }

  @Test
  void registersEveryCuratorHeuristicExceptHistogramAsTextFilters() {
    List<String> names = CuratorFilters.types().stream().map(FilterType::name).toList();
    assertThat(names).containsExactlyInAnyOrder("word_count", "non_alpha_numeric",
        "symbols_to_words", "numbers", "urls", "bullets", "white_space", "parentheses",
        "long_word", "boilerplate_string", "mean_word_length", "repeated_lines",
        "repeated_paragraphs", "repeated_lines_by_char", "repeated_paragraphs_by_char",
        "repeating_top_ngrams", "repeating_duplicate_ngrams", "punctuation", "ellipsis",
        "common_english_words", "words_without_alphabets", "pornographic_urls");
    for (FilterType t : CuratorFilters.types()) {
      assertThat(t.input()).isEqualTo(FilterType.Input.TEXT);
      assertThat(FilterTypes.byName(t.name(), "test")).isSameAs(t);
      assertThat(t.createWithDefaults().name()).isEqualTo(t.name());
    }
  }

  @Test
  void ratioScoresCountPythonCharactersThatIsCodePoints() {
    // "a😀" is 3 UTF-16 units but 2 Python characters; ',' is in Curator's alphanumeric class.
    assertThat(score("non_alpha_numeric", "non_alpha_numeric_to_text_ratio", "a😀"))
        .isEqualTo(0.5);
    assertThat(score("non_alpha_numeric", "non_alpha_numeric_to_text_ratio", "ab, c!"))
        .isCloseTo(1.0 / 6, within(1e-12));
    assertThat(score("numbers", "number_to_text_ratio", "ab12")).isEqualTo(0.5);
    // Only ASCII digits count, like the regex module's [[:digit:]].
    assertThat(score("numbers", "number_to_text_ratio", "٣٤")).isEqualTo(0.0);
    assertThat(score("white_space", "white_space_ratio", "a\tb\bc d")).isCloseTo(3.0 / 7,
        within(1e-12));
    assertThat(score("parentheses", "parentheses_ratio", "⟨a⟩[b]")).isCloseTo(4.0 / 6,
        within(1e-12));
    assertThat(score("urls", "url_to_text_ratio", "go http://a.b now"))
        .isCloseTo(10.0 / 17, within(1e-12));
  }

  @Test
  void emptyTextScoresAsCuratorDoesOrIsDropped() {
    for (FilterType t : CuratorFilters.types()) {
      // Curator keeps an empty text here: no boilerplate paragraph, no pornographic URL.
      if (t.name().equals("pornographic_urls") || t.name().equals("boilerplate_string")) {
        continue;
      }
      assertThat(t.createWithDefaults().getClass()).isEqualTo(CuratorFilter.class);
      @SuppressWarnings("unchecked")
      Filter<String> f = (Filter<String>) t.createWithDefaults();
      assertThat(f.apply("").kept()).as(t.name()).isFalse();
    }
    assertThat(score("non_alpha_numeric", "non_alpha_numeric_to_text_ratio", "")).isEqualTo(1.0);
    assertThat(score("repeated_lines", "unique_line_ratio", "\n \n")).isEqualTo(0.0);
    assertThat(score("repeated_paragraphs_by_char", "unique_paragraph_char_ratio", "\n\n"))
        .isEqualTo(0.0);
    assertThat(score("long_word", "longest_word_length", "  ")).isEqualTo(1001.0);
  }

  @Test
  void twoSidedFiltersNameTheSideInTheDropReason() {
    Filter<String> words = filter("word_count", Map.of("min_words", 2, "max_words", 3));
    assertThat(words.apply("one").dropReason()).isEqualTo("word_count_below_min");
    assertThat(words.apply("one two three four").dropReason()).isEqualTo("word_count_above_max");
    assertThat(words.apply("one two").kept()).isTrue();
    Filter<String> mean = filter("mean_word_length", Map.of());
    assertThat(mean.apply("a b").dropReason()).isEqualTo("mean_word_length_below_min");
    assertThat(mean.apply("abcdefghijkl").dropReason()).isEqualTo("mean_word_length_above_max");
    assertThat(filter("numbers", Map.of()).apply("123").dropReason()).isEqualTo("numbers");
  }

  @Test
  void decideUsesOnlyTheScoresSoThresholdsCanBeTunedLater() {
    Scores s = filter("numbers", Map.of()).score("abc1");
    assertThat(s.values()).containsOnlyKeys("number_to_text_ratio");
    assertThat(filter("numbers", Map.of("max_number_to_text_ratio", 0.3)).decide(s).kept())
        .isTrue();
    assertThat(filter("numbers", Map.of("max_number_to_text_ratio", 0.2)).decide(s).kept())
        .isFalse();
  }

  @Test
  void wordSplittingIsPythonsStrSplit() {
    // U+00A0 and U+3000 are str.isspace() characters; U+200B (zero width space) is not.
    assertThat(score("word_count", "word_count", " a\u00a0b\u3000c\u200bd \n")).isEqualTo(3.0);
    assertThat(score("mean_word_length", "mean_word_length", "ab 😀😀😀😀")).isEqualTo(3.0);
    assertThat(score("long_word", "longest_word_length", "ab 😀😀😀 x")).isEqualTo(3.0);
  }

  @Test
  void symbolWordsAreEllipsesOrHashRunsOverHalfTheWord() {
    // "#" (1 run / 1), "#a" (1/2 is not over half), "#a#" (2/3), "..." and "…" count.
    assertThat(score("symbols_to_words", "symbol_to_word_ratio", "# #a #a# ... … ok"))
        .isCloseTo(4.0 / 6, within(1e-12));
    // "###" is one run over 3 characters: not a symbol word in Curator's counting.
    assertThat(score("symbols_to_words", "symbol_to_word_ratio", "###")).isEqualTo(0.0);
  }

  @Test
  void lineFiltersSkipBlankLinesAndStripEachLine() {
    assertThat(score("bullets", "bullet_lines_ratio", "  • a\n\n  \nb\n\t◦ c"))
        .isCloseTo(2.0 / 3, within(1e-12));
    assertThat(score("punctuation", "sentences_without_endmark_ratio", "a.  \nb\n'c'\n\n"))
        .isCloseTo(1.0 / 3, within(1e-12));
    assertThat(score("ellipsis", "lines_ending_with_ellipsis_ratio",
        "a...\nb READ MORE\nc -»\nd"))
        .isEqualTo(0.75);
  }

  @Test
  void boilerplateCountsParagraphsAndLoremIpsumDropsOutright() {
    assertThat(score("boilerplate_string", "boilerplate_string_ratio",
        "Intro\n\nRead our Privacy Policy and Terms of Use\n\nbody\n\nWe use cookies"))
        .isEqualTo(0.5);
    assertThat(score("boilerplate_string", "boilerplate_string_ratio", "a\n\nLorem Ipsum dolor"))
        .isEqualTo(1.0);
    assertThat(score("boilerplate_string", "boilerplate_string_ratio", "cookies are tasty"))
        .isEqualTo(0.0);
  }

  @Test
  void repetitionScores() {
    assertThat(score("repeated_lines", "unique_line_ratio", "a\nb\na\na")).isEqualTo(0.5);
    assertThat(score("repeated_paragraphs", "unique_paragraph_ratio", "a\n\nb\n\na"))
        .isCloseTo(2.0 / 3, within(1e-12));
    assertThat(score("repeated_lines_by_char", "unique_line_char_ratio", "aaaa\nb\naaaa"))
        .isCloseTo(5.0 / 9, within(1e-12));
    // Every bigram of "a b. a b" occurs once; the first, "a b.", covers 4 of 8 characters.
    assertThat(score("repeating_top_ngrams", "top_ngram_char_ratio", "a b. a b")).isEqualTo(0.5);
    assertThat(score("repeating_top_ngrams", "top_ngram_char_ratio", "x y x y z"))
        .isCloseTo(6.0 / 9, within(1e-12));
    assertThat(score("repeating_top_ngrams", "top_ngram_char_ratio", "alone")).isEqualTo(1.0);
    // Bigrams of "a a b b a a b b": the repeats (a,a) (a,b) (b,b) cover "a a b b" after the
    // first: 4 letters + 3 spaces = 7 of 15 characters.
    assertThat(score("repeating_duplicate_ngrams", "duplicate_ngram_char_ratio",
        "a a b b a a b b")).isCloseTo(7.0 / 15, within(1e-12));
    assertThat(score("repeating_duplicate_ngrams", "duplicate_ngram_char_ratio",
        "a a a a this should be fine as well")).isCloseTo(5.0 / 35, within(1e-12));
  }

  @Test
  void topNgramTiesGoToTheFirstNgram() {
    // "p q" and "r s" both occur twice; "p q" comes first. Removing it: 6 of 23 characters.
    String text = "p q r s p q r s tail xx";
    assertThat(score("repeating_top_ngrams", "top_ngram_char_ratio", text))
        .isCloseTo(6.0 / 23, within(1e-12));
  }

  @Test
  void commonWordsAreCaseSensitiveAndCountingStopsAtTheCutoff() {
    assertThat(score("common_english_words", "common_english_word_count", "the of and to"))
        .isEqualTo(2.0);
    assertThat(filter("common_english_words", Map.of("stop_at_false", false))
        .score("the of and The").get("common_english_word_count")).isEqualTo(3.0);
  }

  @Test
  void wordsWithAlphabetsCountUnicodeLetters() {
    assertThat(score("words_without_alphabets", "words_with_alphabets_ratio", "été 42 !! 中文"))
        .isEqualTo(0.5);
  }

  @Test
  void pornographicUrlsLookOnlyInsideUrls() {
    Filter<String> f = filter("pornographic_urls", Map.of());
    assertThat(f.apply("porn is a word here").kept()).isTrue();
    assertThat(f.apply("see https://example.com/pornography").dropReason())
        .isEqualTo("pornographic_urls");
    assertThat(f.apply("see https://example.com/PORN").kept()).isTrue();
  }

  @Test
  void chineseIsSegmentedWithJieba() {
    Filter<String> f = filter("word_count", Map.of("lang", "zh", "min_words", 1));
    assertThat(f.score("我喜欢学习中文。").get("word_count")).isEqualTo(5.0);
    assertThat(f.score("  你好。 ").get("word_count")).isEqualTo(2.0);
  }

  @Test
  void badParametersAreOneLineErrors() {
    assertThatThrownBy(() -> filter("word_count", Map.of("lang", "ja")))
        .isInstanceOf(RefineryException.class).hasMessageContaining("MeCab");
    assertThatThrownBy(() -> filter("urls", Map.of("url_regex", "http(")))
        .isInstanceOf(RefineryException.class).hasMessageStartingWith("urls.url_regex:");
    assertThatThrownBy(() -> filter("repeating_top_ngrams", Map.of("n", 0)))
        .isInstanceOf(RefineryException.class).hasMessageStartingWith("repeating_top_ngrams.n:");
  }

  @Test
  void filtersSurviveJavaSerialization() throws Exception {
    String text = "The cat sat on the mat. See https://example.com for more.\n\n# # #";
    for (FilterType t : CuratorFilters.types()) {
      @SuppressWarnings("unchecked")
      Filter<String> f = (Filter<String>) t.create(
          Params.resolve(t.params(), t.name().equals("urls") ? Map.of("url_regex", "https?://\\S+")
              : Map.of(), "test"));
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        out.writeObject(f);
      }
      Object back;
      try (ObjectInputStream in =
          new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
        back = in.readObject();
      }
      @SuppressWarnings("unchecked")
      Filter<String> copy = (Filter<String>) back;
      assertThat(copy.score(text)).as(t.name()).isEqualTo(f.score(text));
      assertThat(copy.apply(text)).as(t.name()).isEqualTo(f.apply(text));
    }
  }

  private static final Pattern CURATOR_URL = Pattern.compile(CuratorUrls.DEFAULT_REGEX);

  @Property(tries = 2000)
  void urlScannerFindsWhatTheRegexFinds(
      @ForAll @StringLength(max = 40) @Chars({'h', 't', 'p', 's', ':', '/', '%', 'a', 'F', '3',
          ' ', '<', '(', '#', '~', '\n'}) String noise) {
    String text = "http" + noise + "https://" + noise;
    List<String> expected = new ArrayList<>();
    Matcher m = CURATOR_URL.matcher(text);
    while (m.find()) {
      expected.add(m.group());
    }
    assertThat(CuratorUrls.DEFAULT.findAll(text)).isEqualTo(expected);
  }

  @Property(tries = 500)
  void wordCountAgreesWithSplitOnAnyWhitespaceKnownToPython(
      @ForAll @StringLength(max = 30) @Chars({'a', 'b', ' ', '\t', '\n', '\u00a0', '\u2003',
          '\u200b'}) @CharRange(from = 'x', to = 'z') String text) {
    String[] parts = text.split("[ \\t\\n\\u00a0\\u2003]+");
    long expected = java.util.Arrays.stream(parts).filter(p -> !p.isEmpty()).count();
    assertThat(CuratorWordSplitter.WHITESPACE.count(text)).isEqualTo((int) expected);
    assertThat(CuratorWordSplitter.WHITESPACE.split(text).size()).isEqualTo((int) expected);
  }
}
