package dev.refinery.filter.heuristic;

import com.huaban.analysis.jieba.JiebaSegmenter;
import com.huaban.analysis.jieba.SegToken;
import dev.refinery.RefineryException;
import dev.refinery.filter.heuristic.CuratorText.Regions;
import java.util.List;

/**
 * Curator's {@code get_word_splitter(lang)} applied to {@code text.strip()}: Chinese through
 * jieba (whitespace tokens dropped), every other language by Python's {@code str.split()}. Words
 * come back as regions of the input, so most filters never copy a word.
 */
enum CuratorWordSplitter {
  WHITESPACE {
    @Override
    Regions split(String text) {
      Regions out = new Regions(16);
      int n = text.length();
      int i = 0;
      while (true) {
        while (i < n && CuratorText.isPythonSpace(text.charAt(i))) {
          i++;
        }
        if (i == n) {
          return out;
        }
        int start = i;
        while (i < n && !CuratorText.isPythonSpace(text.charAt(i))) {
          i++;
        }
        out.add(start, i);
      }
    }

    @Override
    int count(String text) {
      int count = 0;
      boolean inWord = false;
      for (int i = 0, n = text.length(); i < n; i++) {
        boolean space = CuratorText.isPythonSpace(text.charAt(i));
        if (!space && !inWord) {
          count++;
        }
        inWord = !space;
      }
      return count;
    }
  },

  JIEBA {
    @Override
    Regions split(String text) {
      int from = CuratorText.stripStart(text, 0, text.length());
      int to = CuratorText.stripEnd(text, from, text.length());
      Regions out = new Regions(16);
      if (from == to) {
        return out;
      }
      List<SegToken> tokens =
          Jieba.SEGMENTER.process(text.substring(from, to), JiebaSegmenter.SegMode.SEARCH);
      for (SegToken t : tokens) {
        int start = from + t.startOffset;
        int end = from + t.endOffset;
        if (CuratorText.stripStart(text, start, end) < end) {
          out.add(start, end);
        }
      }
      return out;
    }

    @Override
    int count(String text) {
      return split(text).size();
    }
  };

  abstract Regions split(String text);

  abstract int count(String text);

  /** Curator's language switch: zh is segmented, ja needs MeCab (absent), others split. */
  static CuratorWordSplitter forLanguage(String filter, String lang) {
    switch (lang.toLowerCase(java.util.Locale.ROOT)) {
      case "zh":
        return JIEBA;
      case "ja":
        throw new RefineryException(filter + ": lang 'ja' is not supported (NeMo Curator segments"
            + " Japanese with MeCab, which Refinery lacks); use another lang or another filter");
      default:
        return WHITESPACE;
    }
  }

  /**
   * Loads jieba's dictionary (about 2 s) the first time Chinese text is split, not when the class
   * loads. The segmenter only reads its dictionary after loading, so threads share it safely.
   */
  private static final class Jieba {
    static final JiebaSegmenter SEGMENTER = load();

    /**
     * jieba prints "load finished" lines to stdout while it loads, which would corrupt output
     * such as `stats --json`; stdout is muted for those seconds.
     */
    private static JiebaSegmenter load() {
      synchronized (System.class) {
        java.io.PrintStream stdout = System.out;
        System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        try {
          JiebaSegmenter segmenter = new JiebaSegmenter();
          segmenter.process("加载词典", JiebaSegmenter.SegMode.SEARCH);
          return segmenter;
        } finally {
          System.setOut(stdout);
        }
      }
    }
  }
}
