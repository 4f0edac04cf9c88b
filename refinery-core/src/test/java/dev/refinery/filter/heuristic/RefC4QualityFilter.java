package dev.refinery.filter.heuristic;

import dev.refinery.filter.Filter;
import dev.refinery.filter.Scores;
import dev.refinery.filter.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

// Reference copy of the pre-optimisation implementation (main sources at 8f7a08c), kept for
// DatatroveEquivalenceProperties: the optimised filters must score exactly as this does.
/**
 * C4's rules (Raffel et al. 2020, as datatrove's {@code RefC4QualityFilter}). Most act on lines, not
 * on the document: lines without terminal punctuation, with too few words, with a word over {@code
 * max_word_length}, mentioning javascript or a cookie/terms policy are removed, and the document is
 * dropped only for "lorem ipsum", a curly bracket, or too few sentences in the lines that remain.
 * So this is both a filter (keep or drop) and a {@link TextFormatter}: a kept document's text should
 * become {@link #transform}'s result, as datatrove rewrites {@code doc.text}.
 *
 * <p>Sentences per line are counted by a rule in the spirit of NLTK's Punkt (a boundary is {@code
 * .!?} then optional closing quotes or brackets, whitespace, and a char that is not lower case); no
 * abbreviation list. Only {@code split_paragraph: true} (lines; C4's own setting) is offered.
 */
final class RefC4QualityFilter implements Filter<String>, TextFormatter {
  private static final long serialVersionUID = 1L;
  private static final String[] POLICY = {"terms of use", "privacy policy", "cookie policy",
      "uses cookies", "use of cookies", "use cookies"};

  private final boolean removeCitations;
  private final boolean filterNoTerminalPunct;
  private final long minNumSentences;
  private final long minWordsPerLine;
  private final long maxWordLength;
  private final boolean filterLoremIpsum;
  private final boolean filterJavascript;
  private final boolean filterCurlyBracket;
  private final boolean filterPolicy;

  RefC4QualityFilter(boolean removeCitations, boolean filterNoTerminalPunct, long minNumSentences,
      long minWordsPerLine, long maxWordLength, boolean filterLoremIpsum,
      boolean filterJavascript, boolean filterCurlyBracket, boolean filterPolicy) {
    this.removeCitations = removeCitations;
    this.filterNoTerminalPunct = filterNoTerminalPunct;
    this.minNumSentences = minNumSentences;
    this.minWordsPerLine = minWordsPerLine;
    this.maxWordLength = maxWordLength;
    this.filterLoremIpsum = filterLoremIpsum;
    this.filterJavascript = filterJavascript;
    this.filterCurlyBracket = filterCurlyBracket;
    this.filterPolicy = filterPolicy;
  }

  @Override
  public String name() {
    return "c4_quality";
  }

  /** What one pass over the lines found; {@code keptLines} is null when not asked for. */
  private record Pass(int lines, int kept, int sentences, int loremLine, int bracketLine,
                      List<String> keptLines) {}

  private Pass pass(String text, boolean collect) {
    List<String> lines = RefPyText.splitlines(text);
    List<String> kept = collect ? new ArrayList<>() : null;
    int keptCount = 0;
    int sentences = 0;
    int loremLine = 0;
    int bracketLine = 0;
    for (int i = 0; i < lines.size(); i++) {
      String line = RefPyText.strip(lines.get(i));
      int[] wordsAndLongest = RefPyText.whitespaceWordsAndLongest(line);
      if (maxWordLength != -1 && wordsAndLongest[1] > maxWordLength) {
        continue;
      }
      if (removeCitations && line.indexOf('[') >= 0) {
        line = removeCitations(line);
      }
      if (filterNoTerminalPunct && (!endsWithTerminal(line) || line.endsWith("..."))) {
        continue;
      }
      if (wordsAndLongest[0] < minWordsPerLine) {
        continue;
      }
      String lower = line.toLowerCase(Locale.ROOT);
      if (filterLoremIpsum && lower.contains("lorem ipsum")) {
        // datatrove drops the whole document here, so nothing after this line matters.
        loremLine = i + 1;
        break;
      }
      if (filterJavascript && lower.contains("javascript")) {
        continue;
      }
      if (filterCurlyBracket && line.indexOf('{') >= 0) {
        bracketLine = i + 1;
        break;
      }
      if (filterPolicy && containsPolicy(lower)) {
        continue;
      }
      sentences += countSentences(line);
      keptCount++;
      if (collect) {
        kept.add(line);
      }
    }
    return new Pass(lines.size(), keptCount, sentences, loremLine, bracketLine, kept);
  }

  @Override
  public Scores score(String text) {
    Pass p = pass(text, false);
    return Scores.builder()
        .put("lines", p.lines())
        .put("kept_lines", p.kept())
        .put("sentences", p.sentences())
        .put("lorem_ipsum", p.loremLine() > 0 ? 1 : 0)
        .put("curly_bracket", p.bracketLine() > 0 ? 1 : 0)
        .build();
  }

  @Override
  public Verdict decide(Scores s) {
    if (s.get("lorem_ipsum") > 0) {
      return Verdict.drop("lorem_ipsum");
    }
    if (s.get("curly_bracket") > 0) {
      return Verdict.drop("curly_bracket");
    }
    if (s.get("sentences") < minNumSentences) {
      return Verdict.drop("too_few_sentences");
    }
    return Verdict.KEEP;
  }

  /** The kept lines joined by newlines, as datatrove sets {@code doc.text} on a kept document. */
  @Override
  public String transform(String text) {
    return RefPyText.strip(String.join("\n", pass(text, true).keptLines()));
  }

  private static boolean endsWithTerminal(String line) {
    if (line.isEmpty()) {
      return false;
    }
    char c = line.charAt(line.length() - 1);
    return c == '.' || c == '?' || c == '!' || c == '"' || c == '\'';
  }

  private static boolean containsPolicy(String lower) {
    for (String p : POLICY) {
      if (lower.contains(p)) {
        return true;
      }
    }
    return false;
  }

  /** Removes {@code [12]}, {@code []}, {@code [edit]} and {@code [citation needed]}. */
  static String removeCitations(String line) {
    StringBuilder out = new StringBuilder(line.length());
    int i = 0;
    int n = line.length();
    while (i < n) {
      char c = line.charAt(i);
      if (c == '[') {
        int close = citationEnd(line, i);
        if (close > 0) {
          i = close;
          continue;
        }
      }
      out.append(c);
      i++;
    }
    return out.toString();
  }

  private static int citationEnd(String line, int open) {
    int i = open + 1;
    while (i < line.length() && line.charAt(i) >= '0' && line.charAt(i) <= '9') {
      i++;
    }
    if (i < line.length() && line.charAt(i) == ']') {
      return i + 1;
    }
    for (String word : new String[] {"[edit]", "[citation needed]"}) {
      if (line.startsWith(word, open)) {
        return open + word.length();
      }
    }
    return -1;
  }

  static int countSentences(String line) {
    int n = line.length();
    int start = RefPyText.stripStart(line, 0, n);
    if (start == n) {
      return 0;
    }
    int sentences = 1;
    for (int i = start; i < n; i++) {
      char c = line.charAt(i);
      if (c != '.' && c != '!' && c != '?') {
        continue;
      }
      int j = i + 1;
      while (j < n && (line.charAt(j) == '.' || line.charAt(j) == '!' || line.charAt(j) == '?')) {
        j++;
      }
      while (j < n && "\"')]}\u201d\u2019".indexOf(line.charAt(j)) >= 0) {
        j++;
      }
      int k = j;
      while (k < n && RefPyText.isSpace(line.charAt(k))) {
        k++;
      }
      if (k > j && k < n && !Character.isLowerCase(line.charAt(k))) {
        sentences++;
      }
      i = k - 1;
    }
    return sentences;
  }
}
