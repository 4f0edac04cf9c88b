package dev.refinery.template.jinja;

import dev.refinery.template.Segment;
import dev.refinery.template.Segment.Kind;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a render into segments from its provenance. Within the output written while message i was
 * the bound loop message: the text before its first tainted char is the HEADER (or, when it starts
 * with the generation prompt G, exactly G, the rest being CONTENT), then CONTENT through the last
 * tainted char, then END up to the trailing whitespace, which is SCAFFOLD. Tainted text written
 * outside any message loop is CONTENT of its owner; everything else is SCAFFOLD. When the
 * template has {@code {% generation %}} blocks, those spans are the assistant's CONTENT and the
 * rest of an assistant message is HEADER before them and SCAFFOLD after.
 */
final class Segments {
  private Segments() {}

  static List<Segment> of(Interp.Out out, List<String> roles, String generationPrompt) {
    String text = out.sb.toString();
    int n = text.length();
    int[] msg = new int[n];
    Kind[] kind = new Kind[n];
    java.util.Arrays.fill(msg, -1);
    java.util.Arrays.fill(kind, Kind.SCAFFOLD);
    boolean[] generated = new boolean[n];
    for (int[] g : out.generation) {
      for (int k = g[0]; k < g[1]; k++) {
        generated[k] = true;
      }
    }
    for (Interp.Run run : out.runs) {
      if (run.message() < 0) {
        for (TStr.Span s : out.taint) {
          for (int k = Math.max(s.start(), run.start()); k < Math.min(s.end(), run.end()); k++) {
            msg[k] = s.owner();
            kind[k] = Kind.CONTENT;
          }
        }
        continue;
      }
      int m = run.message();
      int a = run.start();
      int b = run.end();
      for (int k = a; k < b; k++) {
        msg[k] = m;
      }
      if (!out.generation.isEmpty() && "assistant".equals(roles.get(m))) {
        int first = -1;
        int last = -1;
        for (int k = a; k < b; k++) {
          if (generated[k]) {
            first = first < 0 ? k : first;
            last = k + 1;
          }
        }
        if (first >= 0) {
          fill(kind, a, first, Kind.HEADER);
          for (int k = first; k < last; k++) {
            kind[k] = generated[k] ? Kind.CONTENT : Kind.SCAFFOLD;
          }
          fill(kind, last, b, Kind.SCAFFOLD);
          continue;
        }
      }
      int first = Integer.MAX_VALUE;
      int last = -1;
      for (TStr.Span s : out.taint) {
        // an empty span (an empty content) still marks where the message's text was written
        boolean overlaps = s.start() < b && s.end() > a;
        boolean marker = s.start() == s.end() && s.start() >= a && s.start() <= b;
        if (overlaps || marker) {
          first = Math.min(first, Math.max(s.start(), a));
          last = Math.max(last, Math.min(s.end(), b));
        }
      }
      int contentFrom;
      if (first == Integer.MAX_VALUE) {
        // nothing of the message itself was written: header, then what follows the last text
        first = a;
        last = a;
        contentFrom = a;
        if (!generationPrompt.isEmpty() && text.startsWith(generationPrompt, a)) {
          first = last = contentFrom = a + generationPrompt.length();
        } else {
          int end = b;
          while (end > a && PyText.isSpace(text.charAt(end - 1))) {
            end--;
          }
          first = last = contentFrom = end;
        }
        fill(kind, a, contentFrom, Kind.HEADER);
      } else if (!generationPrompt.isEmpty() && first - a >= generationPrompt.length()
          && text.startsWith(generationPrompt, a)) {
        contentFrom = a + generationPrompt.length();
        fill(kind, a, contentFrom, Kind.HEADER);
      } else {
        contentFrom = first;
        fill(kind, a, first, Kind.HEADER);
      }
      fill(kind, contentFrom, last, Kind.CONTENT);
      int trail = b;
      while (trail > last && PyText.isSpace(text.charAt(trail - 1))) {
        trail--;
      }
      fill(kind, last, trail, Kind.END);
      fill(kind, trail, b, Kind.SCAFFOLD);
    }
    List<Segment> segments = new ArrayList<>();
    int start = 0;
    for (int k = 1; k <= n; k++) {
      if (k == n || msg[k] != msg[start] || kind[k] != kind[start]) {
        int m = msg[start];
        Kind kd = kind[start];
        if (kd == Kind.SCAFFOLD) {
          m = -1;
        }
        segments.add(new Segment(text.substring(start, k), m < 0 ? null : roles.get(m), m, kd));
        start = k;
      }
    }
    return merge(segments);
  }

  private static void fill(Kind[] kind, int from, int to, Kind k) {
    for (int i = from; i < to; i++) {
      kind[i] = k;
    }
  }

  private static List<Segment> merge(List<Segment> in) {
    List<Segment> out = new ArrayList<>();
    for (Segment s : in) {
      if (!out.isEmpty()) {
        Segment p = out.get(out.size() - 1);
        if (p.kind() == s.kind() && p.messageIndex() == s.messageIndex()) {
          out.set(out.size() - 1, new Segment(p.text() + s.text(), p.role(), p.messageIndex(),
              p.kind()));
          continue;
        }
      }
      out.add(s);
    }
    return out;
  }
}
