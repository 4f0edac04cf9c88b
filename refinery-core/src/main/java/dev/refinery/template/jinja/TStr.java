package dev.refinery.template.jinja;

import java.util.ArrayList;
import java.util.List;

/**
 * A string value that carries provenance: which of its character ranges come from which message's
 * fields. Untainted strings are plain {@link String}s; every string operation of the interpreter
 * keeps the spans when it can map offsets and taints the whole result when it cannot. Spans may be
 * empty so that an empty message content still marks where it was written.
 */
final class TStr implements CharSequence {
  /** A range [start, end) of the text that comes from message {@code owner}. */
  record Span(int start, int end, int owner) {}

  final String text;
  final List<Span> spans;

  TStr(String text, List<Span> spans) {
    this.text = text;
    this.spans = List.copyOf(spans);
  }

  static TStr whole(String text, int owner) {
    return new TStr(text, List.of(new Span(0, text.length(), owner)));
  }

  /** The owner of the first span of a value, or -1 when it is untainted. */
  static int ownerOf(Object o) {
    return o instanceof TStr t && !t.spans.isEmpty() ? t.spans.get(0).owner : -1;
  }

  /** {@code s} as the same kind of value as {@code like}: tainted as a whole when like is. */
  static Object wrapLike(String s, Object... sources) {
    for (Object src : sources) {
      int owner = deepOwner(src, 0);
      if (owner >= 0) {
        return whole(s, owner);
      }
    }
    return s;
  }

  /** The owner of any tainted string inside a value (lists, dicts included), or -1. */
  static int deepOwner(Object o, int depth) {
    if (depth > 50) {
      return -1;
    }
    if (o instanceof TStr t) {
      return ownerOf(t);
    }
    if (o instanceof java.util.Map<?, ?> m) {
      for (var e : m.entrySet()) {
        int a = deepOwner(e.getKey(), depth + 1);
        if (a >= 0) {
          return a;
        }
        a = deepOwner(e.getValue(), depth + 1);
        if (a >= 0) {
          return a;
        }
      }
    } else if (o instanceof List<?> l) {
      for (Object x : l) {
        int a = deepOwner(x, depth + 1);
        if (a >= 0) {
          return a;
        }
      }
    }
    return -1;
  }

  static String text(Object o) {
    return o instanceof TStr t ? t.text : (String) o;
  }

  static List<Span> spansOf(Object o) {
    return o instanceof TStr t ? t.spans : List.of();
  }

  static Object make(String text, List<Span> spans) {
    return spans.isEmpty() ? text : new TStr(text, spans);
  }

  static Object concat(Object a, Object b) {
    if (!(a instanceof TStr) && !(b instanceof TStr)) {
      return text(a) + text(b);
    }
    String ta = text(a);
    List<Span> out = new ArrayList<>(spansOf(a));
    for (Span s : spansOf(b)) {
      out.add(new Span(s.start + ta.length(), s.end + ta.length(), s.owner));
    }
    return new TStr(ta + text(b), out);
  }

  static Object concatAll(List<Object> parts) {
    Object acc = "";
    boolean tainted = false;
    for (Object p : parts) {
      tainted |= p instanceof TStr;
    }
    if (!tainted) {
      StringBuilder sb = new StringBuilder();
      for (Object p : parts) {
        sb.append(text(p));
      }
      return sb.toString();
    }
    for (Object p : parts) {
      acc = concat(acc, p);
    }
    return acc;
  }

  /** {@code o[from:to]} keeping the spans that touch the range (clipped, possibly empty). */
  static Object substring(Object o, int from, int to) {
    String t = text(o);
    if (!(o instanceof TStr ts)) {
      return t.substring(from, to);
    }
    List<Span> out = new ArrayList<>();
    for (Span s : ts.spans) {
      int a = Math.max(s.start, from);
      int b = Math.min(s.end, to);
      if (a <= b) {
        out.add(new Span(a - from, b - from, s.owner));
      }
    }
    return make(t.substring(from, to), out);
  }

  @Override
  public int length() {
    return text.length();
  }

  @Override
  public char charAt(int index) {
    return text.charAt(index);
  }

  @Override
  public CharSequence subSequence(int start, int end) {
    return text.subSequence(start, end);
  }

  @Override
  public String toString() {
    return text;
  }

  @Override
  public boolean equals(Object o) {
    return (o instanceof TStr t && t.text.equals(text)) || (o instanceof String s && s.equals(text));
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }
}
