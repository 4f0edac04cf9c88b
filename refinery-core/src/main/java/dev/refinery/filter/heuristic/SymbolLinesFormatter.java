package dev.refinery.filter.heuristic;

/**
 * datatrove's {@code SymbolLinesFormatter}: removes lines made only of punctuation (datatrove's
 * {@code PUNCTUATION}, with spaces or tabs between), newline included; lines of whitespace only
 * stay. {@code replacement} takes each removed run's place ("" by default; "\n" keeps a paragraph
 * break).
 */
public final class SymbolLinesFormatter implements TextFormatter {
  private static final long serialVersionUID = 1L;

  private final String replacement;

  public SymbolLinesFormatter(String replacement) {
    this.replacement = replacement;
  }

  public SymbolLinesFormatter() {
    this("");
  }

  @Override
  public String name() {
    return "symbol_lines";
  }

  @Override
  public String transform(String text) {
    StringBuilder out = new StringBuilder(text.length());
    int n = text.length();
    int start = 0;
    boolean inRun = false;
    while (start < n || start == 0 && n == 0) {
      int newline = text.indexOf('\n', start);
      int end = newline < 0 ? n : newline;
      int next = newline < 0 ? n : newline + 1;
      if (isSymbolLine(text, start, end)) {
        if (!inRun) {
          out.append(replacement);
          inRun = true;
        }
      } else {
        out.append(text, start, next);
        inRun = false;
      }
      if (n == 0) {
        break;
      }
      start = next;
    }
    return out.toString();
  }

  private static boolean isSymbolLine(String text, int s, int e) {
    if (s >= e || !Punctuation.isPunctuation(text.charAt(s))) {
      return false;
    }
    for (int i = s + 1; i < e; i++) {
      char c = text.charAt(i);
      if (!Punctuation.isPunctuation(c) && !(PyText.isSpace(c) && c != '\r')) {
        return false;
      }
    }
    return true;
  }
}
