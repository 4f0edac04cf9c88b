package dev.refinery.filter.heuristic;

import static dev.refinery.filter.Param.Type.BOOLEAN;
import static dev.refinery.filter.Param.Type.DOUBLE;
import static dev.refinery.filter.Param.Type.INT;
import static dev.refinery.filter.Param.Type.STRING;

import dev.refinery.filter.Filter;
import dev.refinery.filter.FilterType;
import dev.refinery.filter.FilterType.Input;
import dev.refinery.filter.Param;
import dev.refinery.filter.Params;
import java.util.List;
import java.util.function.Function;

/**
 * NeMo Curator's heuristic text filters (nemo_curator/stages/text/filters/heuristic, commit
 * 1e2e4275) with Curator's parameter names, defaults and keep rules. Each filter computes one score
 * and keeps the text when Curator's {@code keep_document} would. A drop's reason is the filter's
 * name, or for the two filters bounded on both sides ({@code word_count}, {@code
 * mean_word_length}) the name plus {@code _below_min} or {@code _above_max}.
 *
 * <p>Not here: Curator's HistogramFilter, which needs Curator's per-language character-histogram
 * files. {@code lang: ja} is refused (Curator segments Japanese with MeCab); {@code lang: zh} uses
 * the Java port of jieba, whose first use loads its dictionary (about 2 s) and prints two lines.
 */
public final class CuratorFilters {
  private CuratorFilters() {}

  private static final String LANG_DOC =
      "language of the text: zh is segmented with jieba, ja is not supported, others split on"
          + " whitespace";
  private static final String URL_REGEX_DOC =
      "URL regular expression (Java syntax); empty for NeMo Curator's built-in one";

  private static final List<FilterType> TYPES = build();

  /** The filters in a fixed order; the list and its elements are immutable. */
  public static List<FilterType> types() {
    return TYPES;
  }

  private static List<FilterType> build() {
    return List.of(
        text("word_count", "Drops texts with fewer than min_words or more than max_words words",
            List.of(
                Param.of("min_words", INT, 50L, "fewest words kept").atLeast(0),
                Param.of("max_words", INT, 100_000L, "most words kept").atLeast(0),
                lang()),
            p -> {
              CuratorWordSplitter words = splitter("word_count", p.getString("lang"));
              return CuratorFilter.between("word_count", "word_count", p.getInt("min_words"),
                  p.getInt("max_words"), t -> CuratorScorers.wordCount(words, t));
            }),
        text("non_alpha_numeric",
            "Drops texts where too many characters are outside [a-zA-Z0-9\\n?!,.]",
            List.of(Param.of("max_non_alpha_numeric_to_text_ratio", DOUBLE, 0.25,
                "highest share of other characters kept").between(0, 1)),
            p -> CuratorFilter.atMost("non_alpha_numeric", "non_alpha_numeric_to_text_ratio",
                p.getDouble("max_non_alpha_numeric_to_text_ratio"),
                CuratorScorers::nonAlphaNumericRatio)),
        text("symbols_to_words",
            "Drops texts where too many words are an ellipsis or mostly '#' symbols",
            List.of(Param.of("max_symbol_to_word_ratio", DOUBLE, 0.1,
                "highest share of symbol words kept").between(0, 1), lang()),
            p -> {
              CuratorWordSplitter words = splitter("symbols_to_words", p.getString("lang"));
              return CuratorFilter.atMost("symbols_to_words", "symbol_to_word_ratio",
                  p.getDouble("max_symbol_to_word_ratio"),
                  t -> CuratorScorers.symbolToWordRatio(words, t));
            }),
        text("numbers", "Drops texts where too many characters are digits",
            List.of(Param.of("max_number_to_text_ratio", DOUBLE, 0.15,
                "highest share of digits kept").between(0, 1)),
            p -> CuratorFilter.atMost("numbers", "number_to_text_ratio",
                p.getDouble("max_number_to_text_ratio"), CuratorScorers::numberToTextRatio)),
        text("urls", "Drops texts where too many characters are in URLs",
            List.of(Param.of("max_url_to_text_ratio", DOUBLE, 0.2,
                "highest share of URL characters kept").between(0, 1), urlRegex()),
            p -> {
              CuratorUrls urls = CuratorUrls.of("urls", p.getString("url_regex"));
              return CuratorFilter.atMost("urls", "url_to_text_ratio",
                  p.getDouble("max_url_to_text_ratio"),
                  t -> CuratorScorers.urlToTextRatio(urls, t));
            }),
        text("bullets", "Drops texts where too many lines start with a bullet",
            List.of(Param.of("max_bullet_lines_ratio", DOUBLE, 0.9,
                "highest share of bullet lines kept").between(0, 1)),
            p -> CuratorFilter.atMost("bullets", "bullet_lines_ratio",
                p.getDouble("max_bullet_lines_ratio"), CuratorScorers::bulletLinesRatio)),
        text("white_space", "Drops texts where too many characters are white space",
            List.of(Param.of("max_white_space_ratio", DOUBLE, 0.25,
                "highest share of tabs, newlines, carriage returns, backspaces and spaces kept").between(0, 1)),
            p -> CuratorFilter.atMost("white_space", "white_space_ratio",
                p.getDouble("max_white_space_ratio"), CuratorScorers::whiteSpaceRatio)),
        text("parentheses", "Drops texts where too many characters are brackets",
            List.of(Param.of("max_parentheses_ratio", DOUBLE, 0.1,
                "highest share of ()[]{}⟨⟩ kept").between(0, 1)),
            p -> CuratorFilter.atMost("parentheses", "parentheses_ratio",
                p.getDouble("max_parentheses_ratio"), CuratorScorers::parenthesesRatio)),
        text("long_word", "Drops texts with a word longer than max_word_length (or no word)",
            List.of(Param.of("max_word_length", INT, 1000L, "longest word kept, in characters").atLeast(0),
                lang()),
            p -> {
              CuratorWordSplitter words = splitter("long_word", p.getString("lang"));
              long max = p.getInt("max_word_length");
              return CuratorFilter.atMost("long_word", "longest_word_length", max,
                  t -> CuratorScorers.longestWordLength(words, max, t));
            }),
        text("boilerplate_string",
            "Drops texts where too many paragraphs hold policy boilerplate, or any 'lorem ipsum'",
            List.of(
                Param.of("remove_if_at_top_or_bottom", BOOLEAN, true,
                    "accepted for compatibility; unused, as in NeMo Curator"),
                Param.of("max_boilerplate_string_ratio", DOUBLE, 0.4,
                    "highest share of boilerplate paragraphs kept").between(0, 1)),
            p -> CuratorFilter.atMost("boilerplate_string", "boilerplate_string_ratio",
                p.getDouble("max_boilerplate_string_ratio"),
                CuratorScorers::boilerplateStringRatio)),
        text("mean_word_length", "Drops texts whose mean word length is outside a range",
            List.of(
                Param.of("min_mean_word_length", DOUBLE, 3.0, "shortest mean kept").atLeast(0),
                Param.of("max_mean_word_length", DOUBLE, 10.0, "longest mean kept").atLeast(0),
                lang()),
            p -> {
              CuratorWordSplitter words = splitter("mean_word_length", p.getString("lang"));
              return CuratorFilter.between("mean_word_length", "mean_word_length",
                  p.getDouble("min_mean_word_length"), p.getDouble("max_mean_word_length"),
                  t -> CuratorScorers.meanWordLength(words, t));
            }),
        text("repeated_lines", "Drops texts where too few lines are distinct",
            List.of(Param.of("max_repeated_line_fraction", DOUBLE, 0.7,
                "lowest share of distinct lines kept (despite its NeMo Curator name)").between(0, 1)),
            p -> CuratorFilter.atLeast("repeated_lines", "unique_line_ratio",
                p.getDouble("max_repeated_line_fraction"), CuratorScorers::uniqueLineRatio)),
        text("repeated_paragraphs", "Drops texts where too few paragraphs are distinct",
            List.of(Param.of("max_repeated_paragraphs_ratio", DOUBLE, 0.7,
                "lowest share of distinct paragraphs kept (despite its NeMo Curator name)").between(0, 1)),
            p -> CuratorFilter.atLeast("repeated_paragraphs", "unique_paragraph_ratio",
                p.getDouble("max_repeated_paragraphs_ratio"),
                CuratorScorers::uniqueParagraphRatio)),
        text("repeated_lines_by_char",
            "Drops texts where too few characters are in distinct lines",
            List.of(Param.of("max_repeated_lines_char_ratio", DOUBLE, 0.8,
                "lowest share of characters in distinct lines kept").between(0, 1)),
            p -> CuratorFilter.atLeast("repeated_lines_by_char", "unique_line_char_ratio",
                p.getDouble("max_repeated_lines_char_ratio"),
                CuratorScorers::uniqueLineCharRatio)),
        text("repeated_paragraphs_by_char",
            "Drops texts where too few characters are in distinct paragraphs",
            List.of(Param.of("max_repeated_paragraphs_char_ratio", DOUBLE, 0.8,
                "lowest share of characters in distinct paragraphs kept").between(0, 1)),
            p -> CuratorFilter.atLeast("repeated_paragraphs_by_char",
                "unique_paragraph_char_ratio", p.getDouble("max_repeated_paragraphs_char_ratio"),
                CuratorScorers::uniqueParagraphCharRatio)),
        text("repeating_top_ngrams",
            "Drops texts where the most frequent word n-gram covers too many characters",
            List.of(Param.of("n", INT, 2L, "words per n-gram").between(1, 1000),
                Param.of("max_repeating_ngram_ratio", DOUBLE, 0.2,
                    "highest share of characters in the top n-gram kept").between(0, 1),
                lang()),
            p -> {
              CuratorWordSplitter words = splitter("repeating_top_ngrams", p.getString("lang"));
              int n = ngramSize("repeating_top_ngrams", p.getInt("n"));
              return CuratorFilter.atMost("repeating_top_ngrams", "top_ngram_char_ratio",
                  p.getDouble("max_repeating_ngram_ratio"),
                  t -> CuratorScorers.topNgramCharRatio(words, n, t));
            }),
        text("repeating_duplicate_ngrams",
            "Drops texts where repeated word n-grams cover too many characters",
            List.of(Param.of("n", INT, 2L, "words per n-gram").between(1, 1000),
                Param.of("max_repeating_duplicate_ngram_ratio", DOUBLE, 0.2,
                    "highest share of characters in repeated n-grams kept").between(0, 1),
                lang()),
            p -> {
              CuratorWordSplitter words =
                  splitter("repeating_duplicate_ngrams", p.getString("lang"));
              int n = ngramSize("repeating_duplicate_ngrams", p.getInt("n"));
              return CuratorFilter.atMost("repeating_duplicate_ngrams",
                  "duplicate_ngram_char_ratio", p.getDouble("max_repeating_duplicate_ngram_ratio"),
                  t -> CuratorScorers.duplicateNgramCharRatio(words, n, t));
            }),
        text("punctuation", "Drops texts where too many lines lack an end mark (. ? ! \" ')",
            List.of(Param.of("max_num_sentences_without_endmark_ratio", DOUBLE, 0.85,
                "highest share of lines without an end mark kept").between(0, 1)),
            p -> CuratorFilter.atMost("punctuation", "sentences_without_endmark_ratio",
                p.getDouble("max_num_sentences_without_endmark_ratio"),
                CuratorScorers::sentencesWithoutEndmarkRatio)),
        text("ellipsis", "Drops texts where too many lines end with an ellipsis",
            List.of(Param.of("max_num_lines_ending_with_ellipsis_ratio", DOUBLE, 0.3,
                "highest share of lines ending with an ellipsis kept").between(0, 1)),
            p -> CuratorFilter.atMost("ellipsis", "lines_ending_with_ellipsis_ratio",
                p.getDouble("max_num_lines_ending_with_ellipsis_ratio"),
                CuratorScorers::linesEndingWithEllipsisRatio)),
        text("common_english_words",
            "Drops texts with fewer than min_num_common_words of: the be to of and that have with",
            List.of(Param.of("min_num_common_words", INT, 2L, "fewest common words kept").atLeast(0),
                Param.of("stop_at_false", BOOLEAN, true,
                    "stop counting once min_num_common_words is reached")),
            p -> {
              long min = p.getInt("min_num_common_words");
              boolean stop = p.getBoolean("stop_at_false");
              return CuratorFilter.atLeast("common_english_words", "common_english_word_count",
                  min, t -> CuratorScorers.commonEnglishWordCount(stop, min, t));
            }),
        text("words_without_alphabets",
            "Drops texts where too few words contain an alphabetic character",
            List.of(Param.of("min_words_with_alphabets", DOUBLE, 0.8,
                "lowest share of words with a letter kept").between(0, 1), lang()),
            p -> {
              CuratorWordSplitter words =
                  splitter("words_without_alphabets", p.getString("lang"));
              return CuratorFilter.atLeast("words_without_alphabets",
                  "words_with_alphabets_ratio", p.getDouble("min_words_with_alphabets"),
                  t -> CuratorScorers.wordsWithAlphabetsRatio(words, t));
            }),
        text("pornographic_urls", "Drops texts with a URL containing 'porn'",
            List.of(urlRegex()),
            p -> {
              CuratorUrls urls = CuratorUrls.of("pornographic_urls", p.getString("url_regex"));
              return CuratorFilter.atMost("pornographic_urls", "pornographic_url_found", 0.0,
                  t -> CuratorScorers.pornographicUrlFound(urls, t));
            }));
  }

  private static FilterType text(String name, String description, List<Param> params,
      Function<Params, Filter<?>> factory) {
    return new FilterType(name, description + " (NeMo Curator)", Input.TEXT, params, factory);
  }

  private static Param lang() {
    return Param.of("lang", STRING, "en", LANG_DOC);
  }

  private static Param urlRegex() {
    return Param.of("url_regex", STRING, "", URL_REGEX_DOC);
  }

  private static CuratorWordSplitter splitter(String filter, String lang) {
    return CuratorWordSplitter.forLanguage(filter, lang);
  }

  /** {@code n}, declared from 1 to 1000 words. */
  private static int ngramSize(String filter, long n) {
    return Math.toIntExact(n);
  }
}
