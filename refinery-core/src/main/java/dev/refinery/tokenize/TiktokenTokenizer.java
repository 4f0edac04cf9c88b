package dev.refinery.tokenize;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;
import java.util.Map;

/**
 * An OpenAI encoding (cl100k_base, o200k_base, r50k_base, p50k_base) through jtokkit, in pure
 * Java. Special tokens written in the text map to their ids, as with Hugging Face added tokens;
 * these encodings add no BOS/EOS, so {@code addSpecialTokens} changes nothing.
 */
final class TiktokenTokenizer implements Tokenizer {
  private static final long serialVersionUID = 1L;

  private static final class Registry {
    static final EncodingRegistry INSTANCE = Encodings.newLazyEncodingRegistry();
  }

  /** Special tokens and vocabulary sizes, from tiktoken's openai_public.py. */
  private static final Map<String, Map<String, Integer>> SPECIALS =
      Map.of(
          "cl100k_base",
          Map.of(
              "<|endoftext|>", 100257,
              "<|fim_prefix|>", 100258,
              "<|fim_middle|>", 100259,
              "<|fim_suffix|>", 100260,
              "<|endofprompt|>", 100276),
          "o200k_base", Map.of("<|endoftext|>", 199999, "<|endofprompt|>", 200018),
          "r50k_base", Map.of("<|endoftext|>", 50256),
          "p50k_base", Map.of("<|endoftext|>", 50256));

  private static final Map<String, Integer> VOCAB_SIZES =
      Map.of("cl100k_base", 100277, "o200k_base", 200019, "r50k_base", 50257, "p50k_base", 50281);

  private final String name;
  private transient volatile Encoding encoding;
  /** UTF-8 length of each token id, filled on first use (0 = not known yet). */
  private transient volatile int[] tokenBytes;

  TiktokenTokenizer(String name) {
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  private Encoding encoding() {
    Encoding e = encoding;
    if (e == null) {
      EncodingType type = EncodingType.fromName(name).orElseThrow();
      e = Registry.INSTANCE.getEncoding(type);
      encoding = e;
    }
    return e;
  }

  /**
   * The next special token at or after {@code from}: its start, or -1; its id and end go into
   * {@code found}. Specials all begin with "<|", so a plain indexOf finds the candidates.
   */
  private int nextSpecial(String text, int from, int[] found) {
    Map<String, Integer> ids = SPECIALS.get(name);
    for (int at = text.indexOf("<|", from); at >= 0; at = text.indexOf("<|", at + 1)) {
      for (Map.Entry<String, Integer> e : ids.entrySet()) {
        if (text.startsWith(e.getKey(), at)) {
          found[0] = e.getValue();
          found[1] = at + e.getKey().length();
          return at;
        }
      }
    }
    return -1;
  }

  @Override
  public int[] encode(String text, boolean addSpecialTokens) {
    Encoding e = encoding();
    int[] found = new int[2];
    int at = nextSpecial(text, 0, found);
    if (at < 0) {
      return e.encodeOrdinary(text).toArray();
    }
    int[] out = new int[Math.max(16, text.length() / 3)];
    int n = 0;
    int start = 0;
    while (true) {
      int end = at < 0 ? text.length() : at;
      if (end > start) {
        int[] part = e.encodeOrdinary(text.substring(start, end)).toArray();
        if (n + part.length + 1 > out.length) {
          out = java.util.Arrays.copyOf(out, Math.max(out.length * 2, n + part.length + 1));
        }
        System.arraycopy(part, 0, out, n, part.length);
        n += part.length;
      }
      if (at < 0) {
        break;
      }
      if (n + 1 > out.length) {
        out = java.util.Arrays.copyOf(out, out.length * 2);
      }
      out[n++] = found[0];
      start = found[1];
      at = nextSpecial(text, start, found);
    }
    return java.util.Arrays.copyOf(out, n);
  }

  @Override
  public TokenOffsets encodeWithOffsets(String text) {
    Encoding e = encoding();
    OffsetsBuilder out = new OffsetsBuilder(tokenBytes());
    int[] found = new int[2];
    int start = 0;
    for (int at = nextSpecial(text, 0, found); at >= 0; at = nextSpecial(text, start, found)) {
      out.ordinary(e, text, start, at);
      out.add(found[0], at, found[1]);
      start = found[1];
    }
    out.ordinary(e, text, start, text.length());
    return out.build();
  }

  private int[] tokenBytes() {
    int[] t = tokenBytes;
    if (t == null) {
      t = new int[vocabSize()];
      tokenBytes = t;
    }
    return t;
  }

  /** Collects ids and spans; an ordinary piece's spans come from the UTF-8 length of its tokens. */
  private static final class OffsetsBuilder {
    /** Shared between threads: racing writers store the same value, so no lock is needed. */
    private final int[] tokenBytes;
    private final IntArrayList ids = new IntArrayList();
    private final IntArrayList starts = new IntArrayList();
    private final IntArrayList ends = new IntArrayList();

    OffsetsBuilder(int[] tokenBytes) {
      this.tokenBytes = tokenBytes;
    }

    private int byteLength(Encoding e, int id) {
      int len = id < tokenBytes.length ? tokenBytes[id] : 0;
      if (len == 0) {
        IntArrayList one = new IntArrayList(1);
        one.add(id);
        len = e.decodeBytes(one).length;
        if (id < tokenBytes.length) {
          tokenBytes[id] = len;
        }
      }
      return len;
    }

    void add(int id, int start, int end) {
      ids.add(id);
      starts.add(start);
      ends.add(end);
    }

    /**
     * Encodes text[from, to) and gives each token the characters its UTF-8 bytes come from,
     * walking the text once: a token that ends inside a character spans that whole character,
     * and so does the next token, which starts inside it.
     */
    void ordinary(Encoding e, String text, int from, int to) {
      if (from == to) {
        return;
      }
      IntArrayList part = e.encodeOrdinary(text.substring(from, to));
      int ci = from; // the character holding the next byte
      int intoChar = 0; // bytes of that character already taken by earlier tokens
      for (int t = 0; t < part.size(); t++) {
        int id = part.get(t);
        int len = byteLength(e, id);
        int start = ci;
        int end = ci;
        while (len > 0 && ci < to) {
          int cp = text.codePointAt(ci);
          int width = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
          int left = width - intoChar;
          end = ci + Character.charCount(cp);
          if (len >= left) {
            len -= left;
            intoChar = 0;
            ci = end;
          } else {
            intoChar += len;
            len = 0;
          }
        }
        add(id, start, end);
      }
    }

    TokenOffsets build() {
      return new TokenOffsets(ids.toArray(), starts.toArray(), ends.toArray());
    }
  }

  @Override
  public String decode(int[] ids) {
    IntArrayList list = new IntArrayList(ids.length);
    for (int id : ids) {
      list.add(id);
    }
    return encoding().decode(list);
  }

  @Override
  public int vocabSize() {
    return VOCAB_SIZES.get(name);
  }

  @Override
  public Integer tokenId(String token) {
    Integer special = SPECIALS.get(name).get(token);
    if (special != null) {
      return special;
    }
    IntArrayList ids = encoding().encodeOrdinary(token);
    return ids.size() == 1 ? ids.get(0) : null;
  }

  @Override
  public void close() {}

  @Override
  public String toString() {
    return "TiktokenTokenizer[" + name + "]";
  }
}
