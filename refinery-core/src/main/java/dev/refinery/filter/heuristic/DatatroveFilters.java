package dev.refinery.filter.heuristic;

import static dev.refinery.filter.Param.Type.BOOLEAN;
import static dev.refinery.filter.Param.Type.DOUBLE;
import static dev.refinery.filter.Param.Type.DOUBLE_MAP;
import static dev.refinery.filter.Param.Type.INT;
import static dev.refinery.filter.Param.Type.STRING;
import static dev.refinery.filter.Param.Type.STRING_LIST;

import dev.refinery.RefineryException;
import dev.refinery.filter.FilterType;
import dev.refinery.filter.FilterType.Input;
import dev.refinery.filter.Param;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * datatrove's text quality filters with its defaults (huggingface/datatrove at a649de79). Left out
 * because they need outside data: the language filter (a fastText model), the unigram log-prob
 * filter (an English word frequency table) and C4's bad-words filter (downloaded word lists).
 * Thresholds that datatrove lets be None are disabled here by 0.
 */
public final class DatatroveFilters {
  private DatatroveFilters() {}

  public static List<FilterType> types() {
    return List.of(gopherQuality(), gopherRepetition(), c4Quality(), c4Paragraph(),
        finewebQuality(), url(), regex());
  }

  /** datatrove's {@code SymbolLinesFormatter}, which removes lines made only of punctuation. */
  public static TextFormatter symbolLinesFormatter(String replacement) {
    return new SymbolLinesFormatter(replacement);
  }

  private static FilterType gopherQuality() {
    return new FilterType("gopher_quality",
        "Gopher quality rules: word count, mean word length, # and ellipsis per word, bullet and "
            + "ellipsis lines, words with letters, stop words",
        Input.TEXT,
        List.of(
            Param.of("min_doc_words", INT, 50L, "drop below this many non-symbol words (0: off)").atLeast(0),
            Param.of("max_doc_words", INT, 100_000L, "drop above this many non-symbol words (0: off)").atLeast(0),
            Param.of("min_avg_word_length", DOUBLE, 3.0, "drop below this mean word length (0: off)").atLeast(0),
            Param.of("max_avg_word_length", DOUBLE, 10.0, "drop above this mean word length (0: off)").atLeast(0),
            Param.of("max_symbol_word_ratio", DOUBLE, 0.1,
                "drop above this many '#', or '...'/'…', per word (0: off)").atLeast(0),
            Param.of("max_bullet_lines_ratio", DOUBLE, 0.9,
                "drop above this share of lines starting with a bullet or dash (0: off)").between(0, 1),
            Param.of("max_ellipsis_lines_ratio", DOUBLE, 0.3,
                "drop above this share of lines ending with an ellipsis (0: off)").between(0, 1),
            Param.of("max_non_alpha_words_ratio", DOUBLE, 0.8,
                "drop below this share of words with a letter (datatrove's name) (0: off)").between(0, 1),
            Param.of("min_stop_words", INT, 2L, "drop with fewer distinct stop words (0: off)").atLeast(0),
            Param.of("stop_words", STRING_LIST,
                List.of("the", "be", "to", "of", "and", "that", "have", "with"),
                "the stop words")),
        p -> new GopherQualityFilter(p.getInt("min_doc_words"), p.getInt("max_doc_words"),
            p.getDouble("min_avg_word_length"), p.getDouble("max_avg_word_length"),
            p.getDouble("max_symbol_word_ratio"), p.getDouble("max_bullet_lines_ratio"),
            p.getDouble("max_ellipsis_lines_ratio"), p.getDouble("max_non_alpha_words_ratio"),
            p.getInt("min_stop_words"), p.getStrings("stop_words")));
  }

  private static FilterType gopherRepetition() {
    Map<String, Double> top = new LinkedHashMap<>();
    top.put("2", 0.2);
    top.put("3", 0.18);
    top.put("4", 0.16);
    Map<String, Double> dup = new LinkedHashMap<>();
    dup.put("5", 0.15);
    dup.put("6", 0.14);
    dup.put("7", 0.13);
    dup.put("8", 0.12);
    dup.put("9", 0.11);
    dup.put("10", 0.10);
    return new FilterType("gopher_repetition",
        "Gopher repetition rules: duplicated lines and paragraphs, top 2-4-grams, repeated "
            + "5-10-grams",
        Input.TEXT,
        List.of(
            Param.of("dup_line_frac", DOUBLE, 0.3, "drop above this share of duplicated lines (0: off)").between(0, 1),
            Param.of("dup_para_frac", DOUBLE, 0.3,
                "drop above this share of duplicated paragraphs (0: off)").between(0, 1),
            Param.of("dup_line_char_frac", DOUBLE, 0.2,
                "drop above this share of characters in duplicated lines (0: off)").between(0, 1),
            Param.of("dup_para_char_frac", DOUBLE, 0.2,
                "drop above this share of characters in duplicated paragraphs (0: off)").between(0, 1),
            Param.of("top_n_grams", DOUBLE_MAP, Collections.unmodifiableMap(top),
                "n -> max share of characters in the most frequent n-gram").between(0, 1),
            Param.of("dup_n_grams", DOUBLE_MAP, Collections.unmodifiableMap(dup),
                "n -> max share of characters in repeated n-grams").between(0, 1)),
        p -> new GopherRepetitionFilter(p.getDouble("dup_line_frac"), p.getDouble("dup_para_frac"),
            p.getDouble("dup_line_char_frac"), p.getDouble("dup_para_char_frac"),
            GopherRepetitionFilter.byN(p.getDoubleMap("top_n_grams"), "top_n_grams"),
            GopherRepetitionFilter.byN(p.getDoubleMap("dup_n_grams"), "dup_n_grams")));
  }

  private static FilterType c4Quality() {
    return new FilterType("c4_quality",
        "C4 rules: removes lines without terminal punctuation, short, with javascript or policy "
            + "text; drops lorem ipsum, curly brackets, too few sentences (keeps rewrite the text)",
        Input.TEXT,
        List.of(
            Param.of("remove_citations", BOOLEAN, true, "remove [1], [edit], [citation needed]"),
            Param.of("filter_no_terminal_punct", BOOLEAN, true,
                "remove lines not ending in . ? ! \" ' (or ending in ...)"),
            Param.of("min_num_sentences", INT, 5L, "drop with fewer sentences left (-1: off)").atLeast(-1),
            Param.of("min_words_per_line", INT, 3L, "remove lines with fewer words (-1: off)").atLeast(-1),
            Param.of("max_word_length", INT, 1000L, "remove lines with a longer word (-1: off)").atLeast(-1),
            Param.of("filter_lorem_ipsum", BOOLEAN, true, "drop texts with 'lorem ipsum'"),
            Param.of("filter_javascript", BOOLEAN, true, "remove lines mentioning javascript"),
            Param.of("filter_curly_bracket", BOOLEAN, true, "drop texts with '{'"),
            Param.of("filter_policy", BOOLEAN, true,
                "remove lines about cookies, terms of use, privacy policy")),
        p -> new C4QualityFilter(p.getBoolean("remove_citations"),
            p.getBoolean("filter_no_terminal_punct"), p.getInt("min_num_sentences"),
            p.getInt("min_words_per_line"), p.getInt("max_word_length"),
            p.getBoolean("filter_lorem_ipsum"), p.getBoolean("filter_javascript"),
            p.getBoolean("filter_curly_bracket"), p.getBoolean("filter_policy")));
  }

  private static FilterType c4Paragraph() {
    return new FilterType("c4_paragraph",
        "mC4 paragraph rule: at least 3 lines, the 3 longest of 200+ characters",
        Input.TEXT, List.of(), p -> new C4ParagraphFilter());
  }

  private static FilterType finewebQuality() {
    return new FilterType("fineweb_quality",
        "FineWeb rules: lines ending in punctuation, short lines, duplicated line characters, "
            + "newlines per word",
        Input.TEXT,
        List.of(
            Param.of("line_punct_thr", DOUBLE, 0.12,
                "drop below this share of lines ending in a stop char").between(0, 1),
            Param.of("line_punct_exclude_zero", BOOLEAN, false,
                "keep texts where no line ends in a stop char"),
            Param.of("stop_chars", STRING_LIST, List.of(),
                "line endings that count as punctuation (empty: datatrove's terminal punctuation)"),
            Param.of("short_line_thr", DOUBLE, 0.67, "drop above this share of short lines").between(0, 1),
            Param.of("short_line_length", INT, 30L, "a line this long or shorter is short").atLeast(0),
            Param.of("char_duplicates_ratio", DOUBLE, 0.01,
                "drop above this share of characters in duplicated lines").between(0, 1),
            Param.of("new_line_ratio", DOUBLE, 0.3, "drop above this many newlines per word").atLeast(0)),
        p -> new FineWebQualityFilter(p.getDouble("line_punct_thr"),
            p.getBoolean("line_punct_exclude_zero"), p.getStrings("stop_chars"),
            p.getDouble("short_line_thr"), p.getInt("short_line_length"),
            p.getDouble("char_duplicates_ratio"), p.getDouble("new_line_ratio")));
  }

  private static FilterType url() {
    return new FilterType("url",
        "URL block lists: domains, host names, URLs, banned words and sub-words (text = the URL)",
        Input.TEXT,
        List.of(
            Param.of("soft_word_threshold", INT, 2L, "drop with this many soft-banned words").atLeast(0),
            Param.of("extra_domains", STRING_LIST, List.of(),
                "blocked domains or full host names"),
            Param.of("extra_urls", STRING_LIST, List.of(), "blocked URLs"),
            Param.of("banned_words", STRING_LIST, List.of(), "words that drop a URL"),
            Param.of("banned_subwords", STRING_LIST, List.of(),
                "substrings of the URL's letters and digits that drop it"),
            Param.of("soft_banned_words", STRING_LIST, List.of(),
                "words that drop a URL when soft_word_threshold of them appear"),
            Param.of("use_integrated_lists", BOOLEAN, false,
                "datatrove's bundled block lists (not available: outside data)")),
        p -> {
          if (p.getBoolean("use_integrated_lists")) {
            throw new RefineryException("url.use_integrated_lists: datatrove's bundled block "
                + "lists are not included; give extra_domains, banned_words, ... instead");
          }
          return new UrlFilter(p.getInt("soft_word_threshold"), p.getStrings("extra_domains"),
              p.getStrings("extra_urls"), p.getStrings("banned_words"),
              p.getStrings("banned_subwords"), p.getStrings("soft_banned_words"));
        });
  }

  private static FilterType regex() {
    return new FilterType("regex", "drops texts in which a regular expression matches",
        Input.TEXT,
        List.of(Param.of("regex_exp", STRING, null, "the regular expression (Java syntax)")),
        p -> new RegexFilter(p.getString("regex_exp"), "regex"));
  }
}
