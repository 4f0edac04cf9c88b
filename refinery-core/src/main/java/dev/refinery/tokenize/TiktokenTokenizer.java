package dev.refinery.tokenize;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

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
  private transient volatile Pattern specials;
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
      specials =
          Pattern.compile(
              SPECIALS.get(name).keySet().stream()
                  .map(Pattern::quote)
                  .collect(Collectors.joining("|")));
      encoding = e;
    }
    return e;
  }

  @Override
  public int[] encode(String text, boolean addSpecialTokens) {
    Encoding e = encoding();
    if (text.indexOf("<|") < 0) {
      return e.encodeOrdinary(text).toArray();
    }
    Map<String, Integer> ids = SPECIALS.get(name);
    IntArrayList out = new IntArrayList();
    Matcher m = specials.matcher(text);
    int start = 0;
    while (m.find()) {
      append(out, e.encodeOrdinary(text.substring(start, m.start())));
      out.add(ids.get(m.group()));
      start = m.end();
    }
    append(out, e.encodeOrdinary(text.substring(start)));
    return out.toArray();
  }

  @Override
  public TokenOffsets encodeWithOffsets(String text) {
    Encoding e = encoding();
    OffsetsBuilder out = new OffsetsBuilder(tokenBytes());
    if (text.indexOf("<|") < 0) {
      out.ordinary(e, text, 0, text.length());
      return out.build();
    }
    Map<String, Integer> ids = SPECIALS.get(name);
    Matcher m = specials.matcher(text);
    int start = 0;
    while (m.find()) {
      out.ordinary(e, text, start, m.start());
      out.add(ids.get(m.group()), m.start(), m.end());
      start = m.end();
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

    void ordinary(Encoding e, String text, int from, int to) {
      if (from == to) {
        return;
      }
      String piece = text.substring(from, to);
      IntArrayList part = e.encodeOrdinary(piece);
      // charAtByte[b] = the UTF-16 index (in piece) of the character holding UTF-8 byte b.
      int[] charAtByte = new int[piece.length() * 3 + 1];
      int bytes = 0;
      for (int i = 0; i < piece.length(); ) {
        int cp = piece.codePointAt(i);
        int len = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        if (bytes + len >= charAtByte.length) {
          charAtByte = java.util.Arrays.copyOf(charAtByte, charAtByte.length * 2 + len);
        }
        for (int k = 0; k < len; k++) {
          charAtByte[bytes + k] = i;
        }
        bytes += len;
        i += Character.charCount(cp);
      }
      charAtByte[bytes] = piece.length();
      int at = 0;
      for (int t = 0; t < part.size(); t++) {
        int len = byteLength(e, part.get(t));
        int startChar = charAtByte[at];
        int last = at + len - 1;
        int cpStart = charAtByte[last];
        int endChar = cpStart + Character.charCount(piece.codePointAt(cpStart));
        add(part.get(t), from + startChar, from + endChar);
        at += len;
      }
    }

    TokenOffsets build() {
      return new TokenOffsets(ids.toArray(), starts.toArray(), ends.toArray());
    }
  }

  private static void append(IntArrayList out, IntArrayList part) {
    for (int i = 0; i < part.size(); i++) {
      out.add(part.get(i));
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
