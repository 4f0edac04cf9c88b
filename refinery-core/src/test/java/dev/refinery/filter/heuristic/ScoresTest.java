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
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** Score values on texts small enough to count by hand. */
class ScoresTest {
  @SuppressWarnings("unchecked")
  static Filter<String> filter(String name, Map<String, ?> params) {
    FilterType type = FilterTypes.byName(name, "test");
    return (Filter<String>) type.create(Params.resolve(type.params(), params, name));
  }

  static List<String> words(String text) {
    WordTokenizer.Tokens t = WordTokenizer.tokenize(text);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < t.size; i++) {
      out.add(t.get(i));
    }
    return out;
  }

  @Test
  void tokenizerSplitsPunctuationAndCliticsLikeNltk() {
    assertThat(words("I wish it need not have happened in my time,' said Frodo."))
        .containsExactly("I", "wish", "it", "need", "not", "have", "happened", "in", "my", "time",
            ",", "'", "said", "Frodo", ".");
    assertThat(words("Don't stop (now)! It's 1,000 km; e.g. U.S. cost $5... #tag"))
        .containsExactly("Do", "n't", "stop", "(", "now", ")", "!", "It", "'s", "1,000", "km", ";",
            "e.g.", "U.S.", "cost", "$", "5", "...", "#", "tag");
    assertThat(words("  \n\t ")).isEmpty();
  }

  @Test
  void gopherQualityScores() {
    Scores s = filter("gopher_quality", Map.of()).score(
        "The cat and the dog...\n- a list item #1\n\u2022 bullet");
    // The cat and the dog ... - a list item # 1 • bullet
    assertThat(s.get("n_words")).isEqualTo(14);
    assertThat(s.get("n_non_symbol_words")).isEqualTo(11); // "...", "-", "#" are symbols; "•" is not
    assertThat(s.get("avg_word_length")).isCloseTo(32.0 / 11, within(1e-9));
    assertThat(s.get("hash_word_ratio")).isCloseTo(1.0 / 14, within(1e-9));
    assertThat(s.get("ellipsis_word_ratio")).isCloseTo(1.0 / 14, within(1e-9));
    assertThat(s.get("bullet_lines_ratio")).isCloseTo(2.0 / 3, within(1e-9));
    assertThat(s.get("ellipsis_lines_ratio")).isCloseTo(1.0 / 3, within(1e-9));
    assertThat(s.get("alpha_words_ratio")).isCloseTo(9.0 / 14, within(1e-9));
    assertThat(s.get("stop_words")).isEqualTo(2); // "the" and "and"; "The" is not "the"
  }

  @Test
  void gopherRepetitionScores() {
    String text = "a b\n\na b\n\nc d e";
    Scores s = filter("gopher_repetition", Map.of()).score(text);
    assertThat(s.get("dup_para_frac")).isCloseTo(1.0 / 3, within(1e-9));
    assertThat(s.get("dup_para_char_frac")).isCloseTo(3.0 / 15, within(1e-9));
    assertThat(s.get("dup_line_frac")).isCloseTo(1.0 / 3, within(1e-9));
    // 2-grams: "a b" x2 (first seen), "b a", "b c", "c d", "d e": 3 chars * 2
    assertThat(s.get("top_2_gram")).isCloseTo(6.0 / 15, within(1e-9));
    assertThat(s.get("top_3_gram")).isCloseTo(5.0 / 15, within(1e-9));
    assertThat(s.get("duplicated_5_n_grams")).isZero();
  }

  @Test
  void topNGramTiesGoToTheFirstSeenAsCounterMostCommon() {
    String text = "ab c ab c ab";
    // 2-grams: "ab c" x2, "c ab" x2: tie, first seen "ab c" (4 chars) -> 8
    assertThat(new GopherRepetitionFilter.NGrams(WordTokenizer.tokenize(text)).topNGramChars(2))
        .isEqualTo(8);
    // "bb ccc" reaches 2 first (index 3), yet "a bb" (seen first, 2 at index 5) wins: 4 * 2
    String text2 = "a bb ccc bb ccc a bb";
    assertThat(new GopherRepetitionFilter.NGrams(WordTokenizer.tokenize(text2)).topNGramChars(2))
        .isEqualTo(8);
  }

  @Test
  void repeatedNGramsCompareJoinedTextWithoutSpacesAndSkipPastARepeat() {
    // As datatrove joins with "": "ab c" and "a bc" are the same 2-gram "abc".
    assertThat(new GopherRepetitionFilter.NGrams(WordTokenizer.tokenize("ab c a bc"))
        .repeatedNGramChars(2)).isEqualTo(3);
    // a b a b a b: idx0 "ab" new, idx1 "ba" new, idx2 "ab" repeat (+2, jump to 4), idx4 "ab" +2
    assertThat(new GopherRepetitionFilter.NGrams(WordTokenizer.tokenize("a b a b a b"))
        .repeatedNGramChars(2)).isEqualTo(4);
  }

  @Test
  void finewebScores() {
    Scores s = filter("fineweb_quality", Map.of()).score("Hello there.\n\nshort\nHello there.");
    assertThat(s.get("non_empty_lines")).isEqualTo(3);
    assertThat(s.get("line_punct_ratio")).isCloseTo(2.0 / 3, within(1e-9));
    assertThat(s.get("short_line_ratio")).isEqualTo(1.0);
    assertThat(s.get("char_dup_ratio")).isCloseTo(12.0 / 29, within(1e-9));
    assertThat(s.get("list_ratio")).isCloseTo(3.0 / 7, within(1e-9));
  }

  @Test
  void c4RemovesLinesAndCountsSentences() {
    Filter<String> c4 = filter("c4_quality", Map.of("min_num_sentences", 2));
    String text = "Title without punctuation\n"
        + "One sentence here. Another one here [12].\n"
        + "Enable javascript to see this page.\n"
        + "We use cookies on this site.\n"
        + "Too short.\n"
        + "The last kept line is here!";
    Scores s = c4.score(text);
    assertThat(s.get("lines")).isEqualTo(6);
    assertThat(s.get("kept_lines")).isEqualTo(2);
    assertThat(s.get("sentences")).isEqualTo(3);
    assertThat(c4.decide(s).kept()).isTrue();
    assertThat(((TextFormatter) c4).transform(text))
        .isEqualTo("One sentence here. Another one here .\nThe last kept line is here!");
  }

  @Test
  void c4DropsForTheFirstDocumentLevelProblemInLineOrder() {
    Filter<String> c4 = filter("c4_quality", Map.of());
    assertThat(c4.apply("Code like { this } is here.\nLorem ipsum dolor sit amet.").dropReason())
        .isEqualTo("curly_bracket");
    // A line removed for missing punctuation never reaches the bracket check.
    assertThat(c4.apply("Code like { this }\nLorem ipsum dolor sit amet.").dropReason())
        .isEqualTo("lorem_ipsum");
  }

  @Test
  void c4ParagraphScores() {
    Scores s = filter("c4_paragraph", Map.of()).score("x".repeat(300) + "\nab\n" + "y".repeat(250));
    assertThat(s.get("lines")).isEqualTo(3);
    assertThat(s.get("third_longest_line")).isEqualTo(2);
  }

  @Test
  void urlFilterChecksInDatatrovesOrder() {
    Filter<String> url = filter("url", Map.of("extra_domains", List.of("bad.co.uk"),
        "banned_words", List.of("Casino"), "soft_banned_words", List.of("free", "win"),
        "banned_subwords", List.of("xxx")));
    assertThat(url.apply("https://www.bad.co.uk/x").dropReason()).isEqualTo("domain");
    assertThat(url.apply("https://good.co.uk/casino/").dropReason()).isEqualTo("hard_blacklisted");
    assertThat(url.apply("https://good.co.uk/CASINO/").kept()).isTrue(); // URL words keep case
    assertThat(url.apply("https://good.com/free-win").dropReason()).isEqualTo("soft_blacklisted");
    assertThat(url.apply("https://good.com/free").kept()).isTrue();
    assertThat(url.apply("https://good.com/a-x-x-x").dropReason())
        .isEqualTo("blacklisted_subword");
    assertThat(UrlFilter.host("HTTP://user@Www.Example.com:8080/p?q")).isEqualTo("www.example.com");
    assertThat(UrlFilter.registeredDomain("a.b.example.co.uk")).isEqualTo("example.co.uk");
  }

  @Test
  void badParametersAreOneLineErrors() {
    assertThatThrownBy(() -> filter("regex", Map.of("regex_exp", "(unclosed")))
        .isInstanceOf(RefineryException.class).hasMessageStartingWith("regex.regex_exp:");
    assertThatThrownBy(() -> filter("gopher_repetition", Map.of("top_n_grams", Map.of("two", 0.2))))
        .isInstanceOf(RefineryException.class).hasMessageContaining("'two'");
    assertThatThrownBy(() -> filter("url", Map.of("use_integrated_lists", true)))
        .isInstanceOf(RefineryException.class).hasMessageContaining("not included");
  }

  @Test
  void everyFilterSurvivesSerializationWithItsBehaviour() throws Exception {
    String text = "The quick brown fox jumps over the lazy dog.\nAnd that is that.";
    for (FilterType type : DatatroveFilters.types()) {
      Map<String, ?> params = type.name().equals("regex") ? Map.of("regex_exp", "fox")
          : Map.of();
      Filter<String> f = filter(type.name(), params);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        out.writeObject(f);
      }
      @SuppressWarnings("unchecked")
      Filter<String> copy = (Filter<String>) new ObjectInputStream(
          new ByteArrayInputStream(bytes.toByteArray())).readObject();
      assertThat(copy.score(text)).as(type.name()).isEqualTo(f.score(text));
      assertThat(copy.apply(text)).as(type.name()).isEqualTo(f.apply(text));
    }
  }

  @Property(tries = 300)
  void scoresAreFiniteRatiosOnAnyText(@ForAll String text) {
    for (FilterType type : DatatroveFilters.types()) {
      if (type.name().equals("regex")) {
        continue;
      }
      Filter<String> f = filter(type.name(), Map.of());
      Scores s = f.score(text);
      s.values().forEach((k, v) -> assertThat(v).as(type.name() + "." + k).isFinite()
          .isGreaterThanOrEqualTo(0));
      f.decide(s);
    }
  }

  @Property(tries = 300)
  void symbolLinesFormatterKeepsEveryLineWithAWordChar(@ForAll String text) {
    String out = new SymbolLinesFormatter().transform(text);
    for (String line : text.split("\n", -1)) {
      if (line.chars().anyMatch(Character::isLetterOrDigit)
          && line.chars().noneMatch(c -> c == '\uff11')) {
        assertThat(out).contains(line);
      }
    }
  }
}
