package dev.refinery.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Splitting of normalized answers into matrices, unions, intervals, tuples and lists. */
final class Structure {
  private Structure() {}

  /** An answer wrapped in one pair of brackets with at least two top-level elements. */
  record Bracketed(char open, char close, List<String> elements) {}

  private static final Pattern MATRIX = Pattern.compile(
      "^\\\\begin\\{([pbvB]?matrix|array)\\}(?:\\{[^{}]*\\})?(.*)\\\\end\\{\\1\\}$",
      Pattern.DOTALL);

  /** Rows of a {@code \begin{pmatrix}...\end{pmatrix}} answer, or null when it is not one. */
  static List<List<String>> matrix(String s) {
    Matcher m = MATRIX.matcher(s);
    if (!m.matches()) {
      return null;
    }
    List<List<String>> rows = new ArrayList<>();
    for (String row : splitTopLevel(m.group(2), "\\\\")) {
      if (!row.isBlank()) {
        rows.add(splitTopLevel(row, "&"));
      }
    }
    return rows;
  }

  /** Elements of a set written {@code \{a,b\}}, or null when the answer is not one. */
  static List<String> setElements(String s) {
    if (!s.startsWith("\\{") || !s.endsWith("\\}") || s.length() < 4) {
      return null;
    }
    String inner = s.substring(2, s.length() - 2);
    // "\{1\}\cup\{2\}" is not one set: the opening brace must close at the very end.
    if (inner.contains("\\{") || inner.contains("\\}")) {
      return null;
    }
    return splitTopLevel(inner, ",");
  }

  /**
   * {@code (a,b]}, {@code [a,b)}, {@code (a,b,c)} and the like; null unless the first and last
   * characters are brackets that enclose the whole answer and there are at least two elements.
   */
  static Bracketed bracketed(String s) {
    if (s.length() < 2) {
      return null;
    }
    char open = s.charAt(0);
    char close = s.charAt(s.length() - 1);
    if ((open != '(' && open != '[') || (close != ')' && close != ']')) {
      return null;
    }
    // The opening bracket must not close before the end: "(1,2)\cup(3,4)" or "(a)(b)".
    int depth = 0;
    for (int i = 0; i < s.length() - 1; i++) {
      char c = s.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '(' || c == '[' || c == '{') {
        depth++;
      } else if (c == ')' || c == ']' || c == '}') {
        depth--;
        if (depth == 0) {
          return null;
        }
      }
    }
    List<String> elements = splitTopLevel(s.substring(1, s.length() - 1), ",");
    return elements.size() < 2 ? null : new Bracketed(open, close, elements);
  }

  /**
   * Splits at {@code separator} outside any brackets or braces. Half-open intervals
   * {@code [1,2)} count as one bracket pair: any opener raises the depth, any closer lowers it.
   */
  static List<String> splitTopLevel(String s, String separator) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < s.length(); i++) {
      if (depth == 0 && s.startsWith(separator, i)) {
        parts.add(s.substring(start, i).strip());
        i += separator.length() - 1;
        start = i + 1;
        continue;
      }
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length() && "{}".indexOf(s.charAt(i + 1)) >= 0) {
        i++;
      } else if (c == '(' || c == '[' || c == '{') {
        depth++;
      } else if (c == ')' || c == ']' || c == '}') {
        depth--;
      }
    }
    parts.add(s.substring(start).strip());
    return parts;
  }
}
