package dev.refinery.filter.heuristic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.filter.Filter;
import dev.refinery.filter.FilterTypes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The optimised datatrove filters score exactly as the straightforward reference implementations
 * in the Ref* test classes (the pre-optimisation code, with datatrove's n-gram rules written over
 * real joined strings), on random texts full of repeated lines, paragraphs and n-grams.
 */
class DatatroveEquivalenceProperties {
  private static final List<String> PIECES = List.of("the", "The", "a", "of", "and", "to", "be",
      "that", "have", "with", "cat", "sat", "on", "mat", "lorem", "ipsum", "JavaScript", "cookies",
      "privacy", "policy", "terms", "use", "ab", "abc", "bc", "c", "don't", "it's", "we're",
      "U.S.", "e.g.", "Mr.", "1,000", "10:30", "x", "é", "😀", "😀😀", "中文", "ß", "İ",
      ".", "...", "…", ",", ":", ";", "!", "?", "\"", "'", "’", "“", "”", "(", ")", "[1]",
      "[edit]", "[citation needed]", "{", "}", "#", "##", "-", "--", "•", "*", "|", "»", "‘",
      "ab".repeat(300), "a" + "b".repeat(599));
  private static final List<String> SPACES = List.of(" ", " ", " ", " ", "  ", "\t", "\u00a0",
      "\u2003", "\u3000", "");
  private static final List<String> BREAKS = List.of("\n", "\n", "\n", "\n\n", "\n\n", "\n\n\n",
      "\r\n", "\r", "\u2028", "\u0085", "\u000b", "\u001c", " \n", "\n \n");

  private final List<Filter<String>> optimised = new ArrayList<>();
  private final List<Filter<String>> reference = new ArrayList<>();

  @SuppressWarnings("unchecked")
  DatatroveEquivalenceProperties() {
    for (String name : List.of("gopher_quality", "gopher_repetition", "fineweb_quality",
        "c4_quality")) {
      optimised.add((Filter<String>) FilterTypes.byName(name, "test").createWithDefaults());
    }
    reference.add(new RefGopherQualityFilter(50, 100_000, 3.0, 10.0, 0.1, 0.9, 0.3, 0.8, 2,
        List.of("the", "be", "to", "of", "and", "that", "have", "with")));
    reference.add(new RefGopherRepetitionFilter(0.3, 0.3, 0.2, 0.2,
        ordered(2, 0.2, 3, 0.18, 4, 0.16),
        ordered(5, 0.15, 6, 0.14, 7, 0.13, 8, 0.12, 9, 0.11, 10, 0.10)));
    reference.add(new RefFineWebQualityFilter(0.12, false, List.of(), 0.67, 30, 0.01, 0.3));
    reference.add(new RefC4QualityFilter(true, true, 5, 3, 1000, true, true, true, true));
  }

  private static Map<Integer, Double> ordered(Object... kv) {
    Map<Integer, Double> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((Integer) kv[i], ((Number) kv[i + 1]).doubleValue());
    }
    return m;
  }

  @Property(tries = 3000)
  void scoresEqualTheReference(@ForAll("texts") String text) {
    for (int i = 0; i < optimised.size(); i++) {
      Filter<String> o = optimised.get(i);
      Filter<String> r = reference.get(i);
      assertThat(o.score(text).values()).as(o.name()).isEqualTo(r.score(text).values());
      assertThat(o.decide(o.score(text))).as(o.name()).isEqualTo(r.decide(r.score(text)));
    }
    assertThat(((TextFormatter) optimised.get(3)).transform(text))
        .isEqualTo(((TextFormatter) reference.get(3)).transform(text));
  }

  @Property(tries = 1000)
  void everyNGramSizeEqualsTheReference(@ForAll("texts") String text) {
    Map<Integer, Double> all = new LinkedHashMap<>();
    for (int n = 1; n <= 12; n++) {
      all.put(n, 0.5);
    }
    Filter<String> o = new GopherRepetitionFilter(0.3, 0.3, 0.2, 0.2, all, all);
    Filter<String> r = new RefGopherRepetitionFilter(0.3, 0.3, 0.2, 0.2, all, all);
    assertThat(o.score(text).values()).isEqualTo(r.score(text).values());
  }

  @Property(tries = 1000)
  void finewebWithOwnStopCharsEqualsTheReference(@ForAll("texts") String text) {
    List<String> stops = List.of(".", "...", "ab", "\ud83d\ude00", "", "c\n");
    Filter<String> o = new FineWebQualityFilter(0.12, true, stops, 0.67, 5, 0.01, 0.3);
    Filter<String> r = new RefFineWebQualityFilter(0.12, true, stops, 0.67, 5, 0.01, 0.3);
    assertThat(o.score(text).values()).isEqualTo(r.score(text).values());
  }

  @Property(tries = 1000)
  void wordTokensEqualTheReference(@ForAll("texts") String text) {
    WordTokenizer.Tokens o = WordTokenizer.tokenize(text);
    RefWordTokenizer.Tokens r = RefWordTokenizer.tokenize(text);
    assertThat(o.size).isEqualTo(r.size);
    for (int i = 0; i < o.size; i++) {
      assertThat(o.start[i]).isEqualTo(r.start[i]);
      assertThat(o.end[i]).isEqualTo(r.end[i]);
    }
  }

  /** A few distinct lines, reused often, in paragraphs that are reused too. */
  @Provide
  Arbitrary<String> texts() {
    Arbitrary<String> line = Combinators.combine(
            Arbitraries.of(PIECES).list().ofMinSize(0).ofMaxSize(14),
            Arbitraries.of(SPACES).list().ofSize(14))
        .as((words, spaces) -> {
          StringBuilder sb = new StringBuilder();
          for (int i = 0; i < words.size(); i++) {
            sb.append(words.get(i)).append(spaces.get(i));
          }
          return sb.toString();
        });
    Arbitrary<List<String>> lines = line.list().ofMinSize(1).ofMaxSize(6);
    Arbitrary<List<Integer>> picks = Arbitraries.integers().between(0, 5).list().ofMaxSize(30);
    Arbitrary<List<String>> breaks = Arbitraries.of(BREAKS).list().ofSize(30);
    Arbitrary<String> prefix = Arbitraries.of("", "", " ", "\n", "\n\n", "  \n");
    return Combinators.combine(lines, picks, breaks, prefix, prefix)
        .as((ls, ps, bs, pre, post) -> {
          StringBuilder sb = new StringBuilder(pre);
          for (int i = 0; i < ps.size(); i++) {
            sb.append(ls.get(ps.get(i) % ls.size()));
            if (i + 1 < ps.size()) {
              sb.append(bs.get(i));
            }
          }
          return sb.append(post).toString();
        });
  }
}
