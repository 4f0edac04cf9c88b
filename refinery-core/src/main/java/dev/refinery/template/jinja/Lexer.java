package dev.refinery.template.jinja;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a template into text and tag tokens the way Jinja2's lexer does with transformers'
 * settings: newlines normalized and one trailing newline dropped, {@code trim_blocks} (the first
 * newline after a block or comment tag goes), {@code lstrip_blocks} (spaces and tabs before a block
 * or comment tag on its own line go), {@code -}/{@code +} whitespace control, raw blocks.
 */
final class Lexer {
  enum T { TEXT, VAR_BEGIN, VAR_END, BLOCK_BEGIN, BLOCK_END, NAME, STRING, INT, FLOAT, OP, EOF }

  /** {@code pos}: where the token starts in the (newline-normalized) source, for columns. */
  record Tok(T type, String value, Object literal, int line, int pos) {
    boolean is(T t, String v) {
      return type == t && value.equals(v);
    }

    boolean isOp(String v) {
      return type == T.OP && value.equals(v);
    }

    boolean isName(String v) {
      return type == T.NAME && value.equals(v);
    }
  }

  private final String src;
  private int pos;
  private int line = 1;
  private final List<Tok> out = new ArrayList<>();

  private Lexer(String src) {
    this.src = src;
  }

  static List<Tok> tokenize(String source) {
    String s = source.replace("\r\n", "\n").replace('\r', '\n');
    if (s.endsWith("\n")) {
      s = s.substring(0, s.length() - 1);
    }
    Lexer l = new Lexer(s);
    l.run();
    return l.out;
  }

  private JinjaException fail(String msg) {
    return new JinjaException("line " + line + ": " + msg, pos);
  }

  private void run() {
    boolean stripNext = false;
    boolean lineStarting = true;
    while (pos <= src.length()) {
      int i = nextTag(pos);
      String text = i < 0 ? src.substring(pos) : src.substring(pos, i);
      if (stripNext) {
        text = lstripWs(text);
      }
      if (i < 0) {
        emitText(text);
        break;
      }
      char kind = src.charAt(i + 1);
      char mod = i + 2 < src.length() ? src.charAt(i + 2) : 0;
      boolean raw = kind == '%' && isRawBegin(i);
      if (mod == '-') {
        text = rstripWs(text);
      } else if (mod != '+' && (kind == '%' || kind == '#')) {
        int lpos = text.lastIndexOf('\n') + 1;
        if (lpos > 0 || lineStarting) {
          boolean onlyBlank = true;
          for (int k = lpos; k < text.length(); k++) {
            char c = text.charAt(k);
            if (c != ' ' && c != '\t') {
              onlyBlank = false;
              break;
            }
          }
          if (onlyBlank) {
            text = text.substring(0, lpos);
          }
        }
      }
      emitText(text);
      pos = i + 2 + (mod == '-' || mod == '+' ? 1 : 0);
      String endMark;
      if (raw) {
        endMark = rawBlock();
      } else if (kind == '#') {
        int end = src.indexOf("#}", pos);
        if (end < 0) {
          throw fail("missing end of comment tag");
        }
        advanceTo(end + 2);
        endMark = src.charAt(end - 1) == '-' ? "-" : src.charAt(end - 1) == '+' ? "+" : "";
      } else {
        int tagLine = line;
        out.add(new Tok(kind == '{' ? T.VAR_BEGIN : T.BLOCK_BEGIN, "", null, tagLine, pos));
        endMark = expressionTokens(kind == '{' ? "}}" : "%}");
        out.add(new Tok(kind == '{' ? T.VAR_END : T.BLOCK_END, "", null, line, pos));
      }
      stripNext = endMark.equals("-");
      lineStarting = false;
      if (kind != '{' && !endMark.equals("-") && !endMark.equals("+") && pos < src.length()
          && src.charAt(pos) == '\n') {
        // trim_blocks: the newline after a block or comment tag is not output.
        advanceTo(pos + 1);
        lineStarting = true;
      }
    }
    out.add(new Tok(T.EOF, "", null, line, pos));
  }

  private boolean isRawBegin(int i) {
    int p = i + 2;
    if (p < src.length() && (src.charAt(p) == '-' || src.charAt(p) == '+')) {
      p++;
    }
    while (p < src.length() && Character.isWhitespace(src.charAt(p))) {
      p++;
    }
    if (!src.startsWith("raw", p)) {
      return false;
    }
    p += 3;
    while (p < src.length() && Character.isWhitespace(src.charAt(p))) {
      p++;
    }
    if (p < src.length() && (src.charAt(p) == '-' || src.charAt(p) == '+')) {
      p++;
    }
    return src.startsWith("%}", p);
  }

  /** Emits the body of {% raw %}...{% endraw %}; pos is just after the raw tag's opener. */
  private String rawBlock() {
    int close = src.indexOf("%}", pos);
    boolean stripAfterBegin = src.charAt(close - 1) == '-';
    advanceTo(close + 2);
    int search = pos;
    while (true) {
      int i = src.indexOf("{%", search);
      if (i < 0) {
        throw fail("missing {% endraw %}");
      }
      int p = i + 2;
      boolean stripBefore = p < src.length() && src.charAt(p) == '-';
      if (p < src.length() && (src.charAt(p) == '-' || src.charAt(p) == '+')) {
        p++;
      }
      while (p < src.length() && Character.isWhitespace(src.charAt(p))) {
        p++;
      }
      if (src.startsWith("endraw", p)) {
        int end = src.indexOf("%}", p);
        String body = src.substring(pos, i);
        if (stripAfterBegin) {
          body = lstripWs(body);
        }
        if (stripBefore) {
          body = rstripWs(body);
        }
        emitText(body);
        String mark = src.charAt(end - 1) == '-' ? "-" : src.charAt(end - 1) == '+' ? "+" : "";
        advanceTo(end + 2);
        return mark;
      }
      search = i + 2;
    }
  }

  private int nextTag(int from) {
    int i = from;
    while (true) {
      i = src.indexOf('{', i);
      if (i < 0 || i + 1 >= src.length()) {
        return -1;
      }
      char c = src.charAt(i + 1);
      if (c == '{' || c == '%' || c == '#') {
        return i;
      }
      i++;
    }
  }

  private void emitText(String text) {
    if (!text.isEmpty()) {
      out.add(new Tok(T.TEXT, text, null, line, pos));
    }
    for (int k = 0; k < text.length(); k++) {
      if (text.charAt(k) == '\n') {
        line++;
      }
    }
  }

  private void advanceTo(int p) {
    for (int k = pos; k < p; k++) {
      if (src.charAt(k) == '\n') {
        line++;
      }
    }
    pos = p;
  }

  /**
   * Lexes expression tokens up to the tag's end marker (null: the end of the source); returns
   * "-", "+" or "".
   */
  private String expressionTokens(String end) {
    int depth = 0;
    while (true) {
      while (pos < src.length() && PyText.isSpace(src.charAt(pos))) {
        advanceTo(pos + 1);
      }
      if (pos >= src.length()) {
        if (end == null) {
          return "";
        }
        throw fail("unexpected end of template, expected '" + end + "'");
      }
      if (depth == 0 && end != null) {
        if ((src.charAt(pos) == '-' || src.charAt(pos) == '+') && src.startsWith(end, pos + 1)) {
          String mark = String.valueOf(src.charAt(pos));
          advanceTo(pos + 3);
          return mark;
        }
        if (src.startsWith(end, pos)) {
          advanceTo(pos + 2);
          return "";
        }
      }
      char c = src.charAt(pos);
      if (Character.isLetter(c) || c == '_') {
        int e = pos;
        while (e < src.length() && (Character.isLetterOrDigit(src.charAt(e)) || src.charAt(e) == '_')) {
          e++;
        }
        out.add(new Tok(T.NAME, src.substring(pos, e), null, line, pos));
        advanceTo(e);
      } else if (Character.isDigit(c)) {
        number();
      } else if (c == '\'' || c == '"') {
        string(c);
      } else {
        String op = null;
        for (String o : new String[] {"//", "**", "==", "!=", "<=", ">="}) {
          if (src.startsWith(o, pos)) {
            op = o;
            break;
          }
        }
        if (op == null) {
          if ("+-/*%~[](){}<>=.:|,;".indexOf(c) < 0) {
            throw fail("unexpected char '" + c + "'");
          }
          op = String.valueOf(c);
        }
        if (op.equals("(") || op.equals("[") || op.equals("{")) {
          depth++;
        } else if (op.equals(")") || op.equals("]") || op.equals("}")) {
          depth--;
        }
        out.add(new Tok(T.OP, op, null, line, pos));
        advanceTo(pos + op.length());
      }
    }
  }

  private void number() {
    int e = pos;
    while (e < src.length() && (Character.isDigit(src.charAt(e)) || src.charAt(e) == '_')) {
      e++;
    }
    boolean isFloat = false;
    if (e + 1 < src.length() && src.charAt(e) == '.' && Character.isDigit(src.charAt(e + 1))) {
      isFloat = true;
      e++;
      while (e < src.length() && (Character.isDigit(src.charAt(e)) || src.charAt(e) == '_')) {
        e++;
      }
    }
    if (e < src.length() && (src.charAt(e) == 'e' || src.charAt(e) == 'E')) {
      int k = e + 1;
      if (k < src.length() && (src.charAt(k) == '+' || src.charAt(k) == '-')) {
        k++;
      }
      if (k < src.length() && Character.isDigit(src.charAt(k))) {
        isFloat = true;
        e = k;
        while (e < src.length() && Character.isDigit(src.charAt(e))) {
          e++;
        }
      }
    }
    String text = src.substring(pos, e).replace("_", "");
    if (isFloat) {
      out.add(new Tok(T.FLOAT, text, Double.parseDouble(text), line, pos));
    } else {
      java.math.BigInteger big = new java.math.BigInteger(text);
      Object v = big.bitLength() < 63 ? (Object) big.longValue() : big;
      out.add(new Tok(T.INT, text, v, line, pos));
    }
    advanceTo(e);
  }

  private void string(char quote) {
    StringBuilder sb = new StringBuilder();
    int p = pos + 1;
    while (true) {
      if (p >= src.length()) {
        throw fail("unexpected end of string");
      }
      char c = src.charAt(p);
      if (c == quote) {
        break;
      }
      if (c != '\\') {
        sb.append(c);
        p++;
        continue;
      }
      if (p + 1 >= src.length()) {
        throw fail("unexpected end of string");
      }
      char n = src.charAt(p + 1);
      p += 2;
      switch (n) {
        case '\n' -> { }
        case '\\' -> sb.append('\\');
        case '\'' -> sb.append('\'');
        case '"' -> sb.append('"');
        case 'a' -> sb.append('\u0007');
        case 'b' -> sb.append('\b');
        case 'f' -> sb.append('\f');
        case 'n' -> sb.append('\n');
        case 'r' -> sb.append('\r');
        case 't' -> sb.append('\t');
        case 'v' -> sb.append('\u000b');
        case 'x', 'u', 'U' -> {
          int len = n == 'x' ? 2 : n == 'u' ? 4 : 8;
          if (p + len > src.length()) {
            throw fail("truncated \\" + n + " escape in string");
          }
          try {
            sb.appendCodePoint(Integer.parseInt(src.substring(p, p + len), 16));
          } catch (IllegalArgumentException e) {
            throw fail("bad \\" + n + " escape in string");
          }
          p += len;
        }
        default -> {
          if (n >= '0' && n <= '7') {
            int v = n - '0';
            for (int k = 0; k < 2 && p < src.length() && src.charAt(p) >= '0'
                && src.charAt(p) <= '7'; k++, p++) {
              v = v * 8 + (src.charAt(p) - '0');
            }
            sb.append((char) v);
          } else {
            sb.append('\\').append(n);
          }
        }
      }
    }
    out.add(new Tok(T.STRING, sb.toString(), sb.toString(), line, pos));
    advanceTo(p + 1);
  }

  /**
   * The tokens of a bare expression (no tags around it), ending with EOF: what {@link Expression}
   * parses. Brackets left open are the parser's to report, at the end of the expression.
   */
  static List<Tok> tokenizeExpression(String source) {
    Lexer l = new Lexer(source.replace("\r\n", "\n").replace('\r', '\n'));
    l.expressionTokens(null);
    l.out.add(new Tok(T.EOF, "", null, l.line, l.pos));
    return l.out;
  }

  static String lstripWs(String s) {
    int i = 0;
    while (i < s.length() && PyText.isSpace(s.charAt(i))) {
      i++;
    }
    return s.substring(i);
  }

  static String rstripWs(String s) {
    int i = s.length();
    while (i > 0 && PyText.isSpace(s.charAt(i - 1))) {
      i--;
    }
    return s.substring(0, i);
  }
}
