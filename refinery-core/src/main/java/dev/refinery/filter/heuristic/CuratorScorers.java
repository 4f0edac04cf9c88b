package dev.refinery.filter.heuristic;

import dev.refinery.filter.heuristic.CuratorText.Regions;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The score of each NeMo Curator heuristic (string.py and repetition.py at the pinned commit),
 * written for one pass over the text with little allocation. Where Curator divides by zero or
 * picks an arbitrary winner, the choice made here is noted on the method.
 */
final class CuratorScorers {
  private CuratorScorers() {}

  // Curator's constants.py.
  private static final String[] ELLIPSIS_MARKS =
      {"...", "[...]", "\u2026", "(...)", "[\u2026]", "-\u00bb", "read more..", "read more"};
  private static final String END_MARKS = ".?!\"'";
  private static final String BULLETS =
      "\u2022\u2023\u2043\u204c\u204d\u2219\u25cb\u25cf\u25d8\u25e6\u29be\u29bf";
  private static final Set<String> COMMON_ENGLISH_WORDS =
      Set.of("the", "be", "to", "of", "and", "that", "have", "with");
  private static final String[] POLICY_SUBSTRINGS = {
      "terms of use",
      "privacy policy",
      "cookie policy",
      "uses cookies",
      "privacy overview",
      "use of cookies",
      "use cookies",
      "privacy & cookies policy",
      "privacy and cookies policy",
      ("This website uses cookies to improve your experience while you navigate through the"
          + " website. Out of these cookies, the cookies that are categorized as necessary are"
          + " stored on your browser as they are essential for the working of basic"
          + " functionalities of the website. We also use third-party cookies that help us analyze"
          + " and understand how you use this website. These cookies will be stored in your"
          + " browser only with your consent. You also have the option to opt-out of these"
          + " cookies. But opting out of some of these cookies may have an effect on your browsing"
          + " experience.").toLowerCase(Locale.ROOT),
      ("Necessary cookies are absolutely essential for the website to function properly. This"
          + " category only includes cookies that ensures basic functionalities and security"
          + " features of the website. These cookies do not store any personal information.")
          .toLowerCase(Locale.ROOT),
      ("Any cookies that may not be particularly necessary for the website to function and is"
          + " used specifically to collect user personal data via analytics, ads, other embedded"
          + " contents are termed as non-necessary cookies. It is mandatory to procure user"
          + " consent prior to running these cookies on your website.").toLowerCase(Locale.ROOT),
      ("This site uses cookies, including for analytics, personalization, and advertising"
          + " purposes. For more information or to change your cookie settings, click here.")
          .toLowerCase(Locale.ROOT),
      ("If you continue to browse this site without changing your cookie settings, you agree to"
          + " this use. AcceptRead More").toLowerCase(Locale.ROOT),
  };

  // ---- string.py ----

  /** Share of characters outside {@code [a-zA-Z0-9\n?!,.]}; 1.0 for an empty text. */
  static double nonAlphaNumericRatio(String text) {
    int nchar = CuratorText.length(text);
    if (nchar == 0) {
      return 1.0;
    }
    int alnum = 0;
    for (int i = 0, n = text.length(); i < n; i++) {
      char c = text.charAt(i);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '\n' || c == '?' || c == '!' || c == ',' || c == '.') {
        alnum++;
      }
    }
    return (double) (nchar - alnum) / nchar;
  }

  /**
   * Share of words that are an ellipsis mark or "mostly symbols": more runs of {@code #} than half
   * the word's length (Curator counts {@code #+} matches, not hash characters); 1.0 without words.
   */
  static double symbolToWordRatio(CuratorWordSplitter splitter, String text) {
    Regions words = splitter.split(text);
    if (words.size() == 0) {
      return 1.0;
    }
    int symbolWords = 0;
    for (int w = 0; w < words.size(); w++) {
      int start = words.start(w);
      int end = words.end(w);
      int hashRuns = 0;
      for (int i = start; i < end; i++) {
        if (text.charAt(i) == '#' && (i == start || text.charAt(i - 1) != '#')) {
          hashRuns++;
        }
      }
      if ((hashRuns > 0 && (double) hashRuns / CuratorText.length(text, start, end) > 0.5)
          || (end - start <= 5 && isEllipsisMark(text, start, end))) {
        symbolWords++;
      }
    }
    return (double) symbolWords / words.size();
  }

  private static boolean isEllipsisMark(String text, int start, int end) {
    int len = end - start;
    for (String mark : ELLIPSIS_MARKS) {
      if (mark.length() == len && text.startsWith(mark, start)) {
        return true;
      }
    }
    return false;
  }

  /** Share of ASCII digits (the {@code regex} module's {@code [[:digit:]]}); 1.0 when empty. */
  static double numberToTextRatio(String text) {
    int nchar = CuratorText.length(text);
    if (nchar == 0) {
      return 1.0;
    }
    int digits = 0;
    for (int i = 0, n = text.length(); i < n; i++) {
      char c = text.charAt(i);
      if (c >= '0' && c <= '9') {
        digits++;
      }
    }
    return (double) digits / nchar;
  }

  /** Share of characters inside URLs; 1.0 when empty. */
  static double urlToTextRatio(CuratorUrls urls, String text) {
    int nchar = CuratorText.length(text);
    if (nchar == 0) {
      return 1.0;
    }
    int[] urlChars = {0};
    urls.forEach(text, (s, e) -> {
      urlChars[0] += CuratorText.length(text, s, e);
      return 0;
    });
    return (double) urlChars[0] / nchar;
  }

  /** Share of non-blank lines that start (after strip) with a bullet; 1.0 without lines. */
  static double bulletLinesRatio(String text) {
    Regions lines = CuratorText.lines(text);
    if (lines.size() == 0) {
      return 1.0;
    }
    int bulletLines = 0;
    for (int l = 0; l < lines.size(); l++) {
      int s = CuratorText.stripStart(text, lines.start(l), lines.end(l));
      if (BULLETS.indexOf(text.charAt(s)) >= 0) {
        bulletLines++;
      }
    }
    return (double) bulletLines / lines.size();
  }

  /** Share of tab, newline, carriage return, backspace and space; 1.0 when empty. */
  static double whiteSpaceRatio(String text) {
    int nchar = CuratorText.length(text);
    if (nchar == 0) {
      return 1.0;
    }
    int spaces = 0;
    for (int i = 0, n = text.length(); i < n; i++) {
      char c = text.charAt(i);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\b') {
        spaces++;
      }
    }
    return (double) spaces / nchar;
  }

  /** Share of {@code {}⟨⟩[]()}; 1.0 when empty. */
  static double parenthesesRatio(String text) {
    int nchar = CuratorText.length(text);
    if (nchar == 0) {
      return 1.0;
    }
    int parens = 0;
    for (int i = 0, n = text.length(); i < n; i++) {
      char c = text.charAt(i);
      if (c == '(' || c == ')' || c == '[' || c == ']' || c == '{' || c == '}'
          || c == '\u27e8' || c == '\u27e9') {
        parens++;
      }
    }
    return (double) parens / nchar;
  }

  /** Length of the longest word; {@code maxWordLength + 1} (always dropped) without words. */
  static double longestWordLength(CuratorWordSplitter splitter, long maxWordLength, String text) {
    Regions words = splitter.split(text);
    if (words.size() == 0) {
      return maxWordLength + 1;
    }
    int longest = 0;
    for (int w = 0; w < words.size(); w++) {
      int chars = words.end(w) - words.start(w);
      // A word's code points never outnumber its UTF-16 units: count only when it could matter.
      if (chars > longest) {
        longest = Math.max(longest, CuratorText.length(text, words.start(w), words.end(w)));
      }
    }
    return longest;
  }

  static double wordCount(CuratorWordSplitter splitter, String text) {
    return splitter.count(text);
  }

  /**
   * Share of paragraphs containing a policy string (lower-cased); 1.0 as soon as one contains
   * "lorem ipsum". Curator's {@code remove_if_at_top_or_bottom} is accepted but, as in Curator at
   * the pinned commit, changes nothing.
   */
  static double boilerplateStringRatio(String text) {
    if (!mayHoldBoilerplate(text)) {
      return 0.0;
    }
    String lower = text.toLowerCase(Locale.ROOT);
    if (lower.contains("lorem ipsum")) {
      return 1.0;
    }
    Regions paragraphs = CuratorText.paragraphs(lower);
    // No policy string spans "\n\n", so each occurrence lies inside one paragraph.
    boolean[] boilerplate = new boolean[paragraphs.size()];
    for (String policy : POLICY_SUBSTRINGS) {
      for (int at = lower.indexOf(policy); at >= 0; at = lower.indexOf(policy, at + 1)) {
        boilerplate[paragraphOf(paragraphs, at)] = true;
      }
    }
    int count = 0;
    for (boolean b : boilerplate) {
      count += b ? 1 : 0;
    }
    return (double) count / paragraphs.size();
  }

  /**
   * Whether some key word of the policy strings or "lorem ipsum" occurs ignoring case: a cheap
   * superset of the exact lower-cased search, which then runs only on the few texts that pass.
   */
  private static boolean mayHoldBoilerplate(String text) {
    for (int i = 0, n = text.length(); i < n; i++) {
      char c = (char) (text.charAt(i) | 0x20);
      String key;
      if (c == 'p') {
        key = "privacy";
      } else if (c == 'c') {
        key = "cookie";
      } else if (c == 't') {
        key = "terms of use";
      } else if (c == 'l') {
        key = "lorem ipsum";
      } else {
        continue;
      }
      if (text.regionMatches(true, i, key, 0, key.length())) {
        return true;
      }
    }
    return false;
  }

  private static int paragraphOf(Regions paragraphs, int offset) {
    int lo = 0;
    int hi = paragraphs.size() - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (paragraphs.start(mid) <= offset) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  /** Mean word length in code points; 0.0 without words. */
  static double meanWordLength(CuratorWordSplitter splitter, String text) {
    Regions words = splitter.split(text);
    if (words.size() == 0) {
      return 0.0;
    }
    long total = 0;
    for (int w = 0; w < words.size(); w++) {
      total += CuratorText.length(text, words.start(w), words.end(w));
    }
    return (double) total / words.size();
  }

  /** Share of non-blank lines not ending (after strip) in {@code . ? ! " '}; 1.0 without lines. */
  static double sentencesWithoutEndmarkRatio(String text) {
    Regions lines = CuratorText.lines(text);
    if (lines.size() == 0) {
      return 1.0;
    }
    int without = 0;
    for (int l = 0; l < lines.size(); l++) {
      int e = CuratorText.stripEnd(text, lines.start(l), lines.end(l));
      if (END_MARKS.indexOf(text.charAt(e - 1)) < 0) {
        without++;
      }
    }
    return (double) without / lines.size();
  }

  /** Share of non-blank lines ending (stripped, lower-cased) in an ellipsis mark; 1.0 without. */
  static double linesEndingWithEllipsisRatio(String text) {
    Regions lines = CuratorText.lines(text);
    if (lines.size() == 0) {
      return 1.0;
    }
    int ending = 0;
    for (int l = 0; l < lines.size(); l++) {
      int s = CuratorText.stripStart(text, lines.start(l), lines.end(l));
      int e = CuratorText.stripEnd(text, s, lines.end(l));
      for (String mark : ELLIPSIS_MARKS) {
        if (endsWithLowerCased(text, s, e, mark)) {
          ending++;
          break;
        }
      }
    }
    return (double) ending / lines.size();
  }

  private static boolean endsWithLowerCased(String text, int start, int end, String mark) {
    int len = mark.length();
    if (end - start < len) {
      return false;
    }
    for (int i = 0; i < len; i++) {
      if (Character.toLowerCase(text.charAt(end - len + i)) != mark.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Words (split on spaces, case-sensitive) among the, be, to, of, and, that, have, with; with
   * {@code stopAtCutoff}, counting stops at {@code cutoff} as in Curator's {@code stop_at_false}.
   */
  static double commonEnglishWordCount(boolean stopAtCutoff, long cutoff, String text) {
    int count = 0;
    int n = text.length();
    int i = 0;
    while (true) {
      while (i < n && CuratorText.isPythonSpace(text.charAt(i))) {
        i++;
      }
      if (i == n) {
        return count;
      }
      int start = i;
      while (i < n && !CuratorText.isPythonSpace(text.charAt(i))) {
        i++;
      }
      int len = i - start;
      if (len >= 2 && len <= 4 && COMMON_ENGLISH_WORDS.contains(text.substring(start, i))) {
        count++;
      }
      if (stopAtCutoff && count >= cutoff) {
        return count;
      }
    }
  }

  /** Share of words with at least one Unicode alphabetic character; 0.0 without words. */
  static double wordsWithAlphabetsRatio(CuratorWordSplitter splitter, String text) {
    Regions words = splitter.split(text);
    if (words.size() == 0) {
      return 0.0;
    }
    int withAlpha = 0;
    for (int w = 0; w < words.size(); w++) {
      for (int i = words.start(w), end = words.end(w); i < end; ) {
        int cp = text.codePointAt(i);
        if (Character.isAlphabetic(cp)) {
          withAlpha++;
          break;
        }
        i += Character.charCount(cp);
      }
    }
    return (double) withAlpha / words.size();
  }

  /** 1.0 if some URL contains "porn" (case-sensitive, as in Curator), else 0.0. */
  static double pornographicUrlFound(CuratorUrls urls, String text) {
    boolean[] found = {false};
    urls.forEach(text, (s, e) -> {
      found[0] = text.substring(s, e).contains("porn");
      return found[0] ? 1 : 0;
    });
    return found[0] ? 1.0 : 0.0;
  }

  // ---- repetition.py ----

  /**
   * Distinct non-blank lines over all non-blank lines. Curator divides by zero on a text without
   * such lines; here it scores 0.0 (dropped), like Curator's own blank-text rule for paragraphs.
   */
  static double uniqueLineRatio(String text) {
    Regions lines = CuratorText.lines(text);
    if (lines.size() == 0) {
      return 0.0;
    }
    Set<String> distinct = new HashSet<>();
    for (int l = 0; l < lines.size(); l++) {
      distinct.add(text.substring(lines.start(l), lines.end(l)));
    }
    return (double) distinct.size() / lines.size();
  }

  /** Distinct paragraphs over all paragraphs; 0.0 for a blank text. */
  static double uniqueParagraphRatio(String text) {
    if (CuratorText.isBlank(text)) {
      return 0.0;
    }
    Regions paragraphs = CuratorText.paragraphs(text);
    Set<String> distinct = new HashSet<>();
    for (int p = 0; p < paragraphs.size(); p++) {
      distinct.add(text.substring(paragraphs.start(p), paragraphs.end(p)));
    }
    return (double) distinct.size() / paragraphs.size();
  }

  /** Characters in distinct non-blank lines over characters in all; 0.0 without lines. */
  static double uniqueLineCharRatio(String text) {
    return uniqueCharRatio(text, CuratorText.lines(text));
  }

  /**
   * Characters in distinct paragraphs over characters in all. Curator divides by zero when the
   * paragraphs hold no character (e.g. an empty text); here that scores 0.0 (dropped).
   */
  static double uniqueParagraphCharRatio(String text) {
    return uniqueCharRatio(text, CuratorText.paragraphs(text));
  }

  private static double uniqueCharRatio(String text, Regions pieces) {
    Set<String> distinct = new HashSet<>();
    long all = 0;
    long unique = 0;
    for (int p = 0; p < pieces.size(); p++) {
      String piece = text.substring(pieces.start(p), pieces.end(p));
      int len = CuratorText.length(piece);
      all += len;
      if (distinct.add(piece)) {
        unique += len;
      }
    }
    return all == 0 ? 0.0 : (double) unique / all;
  }

  /**
   * Share of characters removed by deleting every (non-overlapping) occurrence of the most
   * frequent word n-gram joined by single spaces; 1.0 with fewer than n words. Curator breaks ties
   * by set order, which varies between Python runs; here the tie goes to the n-gram that occurs
   * first.
   */
  static double topNgramCharRatio(CuratorWordSplitter splitter, int n, String text) {
    Regions words = splitter.split(text);
    if (words.size() < n) {
      return 1.0;
    }
    CuratorNgrams ngrams = CuratorNgrams.count(text, words, n);
    int best = 0;
    int bestCount = 0;
    for (int i = 0; i < ngrams.size(); i++) {
      // Strictly more occurrences to win, so ties keep the n-gram that occurs first.
      if (ngrams.firstOccurrence(i) == i && ngrams.occurrences(i) > bestCount) {
        bestCount = ngrams.occurrences(i);
        best = i;
      }
    }
    StringBuilder joined = new StringBuilder();
    for (int w = best; w < best + n; w++) {
      if (w > best) {
        joined.append(' ');
      }
      joined.append(text, words.start(w), words.end(w));
    }
    String top = joined.toString();
    int nchar = CuratorText.length(text);
    int occurrences = 0;
    for (int at = text.indexOf(top); at >= 0; at = text.indexOf(top, at + top.length())) {
      occurrences++;
    }
    return nchar == 0 ? 1.0 : (double) occurrences * CuratorText.length(top) / nchar;
  }

  /**
   * Share of characters in n-grams that repeat an earlier one, counting each word once across
   * overlapping repeats plus the spaces between them (Curator's accounting); 1.0 with fewer than n
   * words.
   */
  static double duplicateNgramCharRatio(CuratorWordSplitter splitter, int n, String text) {
    Regions words = splitter.split(text);
    if (words.size() < n) {
      return 1.0;
    }
    CuratorNgrams ngrams = CuratorNgrams.count(text, words, n);
    long duplicatedChars = 0;
    int overlapping = 0;
    for (int i = 0; i < ngrams.size(); i++) {
      if (ngrams.firstOccurrence(i) != i) {
        for (int w = i + overlapping; w < i + n; w++) {
          duplicatedChars += CuratorText.length(text, words.start(w), words.end(w));
        }
        duplicatedChars += Math.min(n - overlapping, n - 1);
        overlapping = n;
      }
      overlapping = Math.max(overlapping - 1, 0);
    }
    int nchar = CuratorText.length(text);
    return nchar == 0 ? 1.0 : (double) duplicatedChars / nchar;
  }
}
