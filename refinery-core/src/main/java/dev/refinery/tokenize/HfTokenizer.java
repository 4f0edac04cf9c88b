package dev.refinery.tokenize;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.refinery.RefineryException;
import dev.refinery.internal.Errors;
import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A Hugging Face {@code tokenizer.json} run by the Rust tokenizers library through DJL. Holds only
 * the path; native handles are opened lazily and are transient.
 *
 * <p>A native handle is used by one thread at a time and is never freed under a call. Freeing
 * it while a call runs (closing the tokenizer as a run stops on an error while workers still
 * tokenize) kills the JVM with SIGSEGV in Oniguruma's {@code match_at} inside {@code
 * TokenizersLibrary.encode}: the signature of the crash seen once in 9 runs of {@code tokenize
 * --pack --format megatron} with Qwen3 (HfTokenizerConcurrencyTest's close-while-busy case died
 * so on the old code). And DJL's binding
 * turns the handle into a {@code &'static mut Tokenizer} on every call, so two threads sharing one
 * hold two mutable references to one Rust object, which Rust leaves undefined. So each call
 * borrows a handle from a pool, opening one more when all are busy (at most one per thread that
 * tokenizes at once, about 0.5 s and 70 MB each for Qwen3), and gives it back; {@link #close()}
 * closes a busy handle only when its call gives it back, and the handle stays strongly reachable
 * until the native call returns, so DJL's finalizer cannot free it under the call either.
 */
final class HfTokenizer implements Tokenizer {
  private static final long serialVersionUID = 1L;

  /**
   * DJL pads and truncates to 512 unless told otherwise: both off. maxLength is given only so that
   * DJL does not fall back to (and warn about) its 512 default; with truncation off it is unused.
   */
  static final Map<String, String> OPTIONS =
      Map.of(
          "truncation", "false",
          "padding", "false",
          "maxLength", String.valueOf(Integer.MAX_VALUE),
          "modelMaxLength", String.valueOf(Integer.MAX_VALUE),
          "addSpecialTokens", "false");

  private final String path;
  private transient Pool pool;
  private transient volatile Map<String, Integer> vocab;
  private transient int vocabSize;

  HfTokenizer(String path) {
    this.path = path;
  }

  @Override
  public String name() {
    return path;
  }

  /** Opens the first handle now, so that a bad file fails with its path before any work. */
  void check() {
    use(h -> null);
  }

  /** Native handles opened so far (and not closed): one per thread that tokenized at once. */
  synchronized int handlesOpened() {
    return pool == null ? 0 : pool.opened;
  }

  /** Handles lent out right now: calls in progress. */
  synchronized int handlesBusy() {
    if (pool == null) {
      return 0;
    }
    synchronized (pool) {
      return pool.opened - pool.idle.size();
    }
  }

  private synchronized Pool pool() {
    if (pool == null) {
      pool = new Pool();
    }
    return pool;
  }

  /** Runs {@code call} with a handle no other thread is using. */
  private <T> T use(Function<HuggingFaceTokenizer, T> call) {
    Pool p = pool();
    HuggingFaceTokenizer h = p.borrow();
    try {
      return call.apply(h);
    } finally {
      // The handle must outlive the native call: DJL frees it in finalize().
      Reference.reachabilityFence(h);
      p.giveBack(h);
    }
  }

  /** Idle handles; a borrowed one is the borrower's alone until given back. */
  private final class Pool {
    private final ArrayDeque<HuggingFaceTokenizer> idle = new ArrayDeque<>();
    private int opened;
    private boolean closed;

    HuggingFaceTokenizer borrow() {
      synchronized (this) {
        HuggingFaceTokenizer h = idle.pollFirst();
        if (h != null) {
          return h;
        }
        opened++;
      }
      try {
        return open();
      } catch (RuntimeException | Error e) {
        synchronized (this) {
          opened--;
        }
        throw e;
      }
    }

    void giveBack(HuggingFaceTokenizer h) {
      synchronized (this) {
        if (!closed) {
          idle.addFirst(h);
          return;
        }
      }
      h.close(); // the tokenizer was closed while this call ran
    }

    void close() {
      List<HuggingFaceTokenizer> toClose;
      synchronized (this) {
        closed = true;
        toClose = List.copyOf(idle);
        idle.clear();
      }
      toClose.forEach(HuggingFaceTokenizer::close);
    }
  }

  private HuggingFaceTokenizer open() {
    Tokenizers.prepareNativeCache();
    HuggingFaceTokenizer h;
    try {
      h = HuggingFaceTokenizer.newInstance(Path.of(path), OPTIONS);
    } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
      throw new RefineryException(
          "not a Hugging Face tokenizer: " + path + " (" + Errors.firstLine(e) + ")", e);
    }
    if (!"DO_NOT_TRUNCATE".equalsIgnoreCase(h.getTruncation())
        || !"DO_NOT_PAD".equalsIgnoreCase(h.getPadding())) {
      String state = h.getTruncation() + "/" + h.getPadding();
      h.close();
      throw new IllegalStateException(
          "DJL left truncation/padding on for " + path + ": " + state);
    }
    return h;
  }

  @Override
  public int[] encode(String text, boolean addSpecialTokens) {
    Encoding encoding = use(h -> h.encode(text, addSpecialTokens, false));
    long[] ids = encoding.getIds();
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = (int) ids[i];
    }
    return out;
  }

  @Override
  public TokenOffsets encodeWithOffsets(String text) {
    Encoding encoding = use(h -> h.encode(text, false, false));
    long[] ids = encoding.getIds();
    CharSpan[] spans = encoding.getCharTokenSpans();
    int n = ids.length;
    int[] out = new int[n];
    int[] starts = new int[n];
    int[] ends = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = (int) ids[i];
      // The Rust library counts code points; a span may be absent for tokens made of no text.
      CharSpan span = spans[i];
      starts[i] = span == null ? (i == 0 ? 0 : ends[i - 1]) : span.getStart();
      ends[i] = span == null ? starts[i] : span.getEnd();
    }
    TokenOffsets.codePointsToUtf16(text, starts, ends);
    return new TokenOffsets(out, starts, ends);
  }

  @Override
  public String decode(int[] ids) {
    long[] longs = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      longs[i] = ids[i];
    }
    return use(h -> h.decode(longs, false));
  }

  @Override
  public int vocabSize() {
    vocab();
    return vocabSize;
  }

  @Override
  public Integer tokenId(String token) {
    return vocab().get(token);
  }

  /** Token → id from the file's model vocabulary and its added tokens, read once. */
  private Map<String, Integer> vocab() {
    Map<String, Integer> v = vocab;
    if (v == null) {
      synchronized (this) {
        v = vocab;
        if (v == null) {
          v = readVocab();
          int max = -1;
          for (int id : v.values()) {
            max = Math.max(max, id);
          }
          vocabSize = max + 1;
          vocab = v;
        }
      }
    }
    return v;
  }

  private Map<String, Integer> readVocab() {
    Map<String, Integer> out = new HashMap<>();
    try (JsonParser p = new JsonFactory().createParser(Path.of(path).toFile())) {
      expect(p.nextToken() == JsonToken.START_OBJECT);
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (field.equals("model") && value == JsonToken.START_OBJECT) {
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String modelField = p.currentName();
            JsonToken v = p.nextToken();
            if (modelField.equals("vocab") && v == JsonToken.START_OBJECT) {
              while (p.nextToken() == JsonToken.FIELD_NAME) { // BPE, WordPiece: {"token": id}
                String token = p.currentName();
                p.nextToken();
                out.putIfAbsent(token, p.getIntValue());
              }
            } else if (modelField.equals("vocab") && v == JsonToken.START_ARRAY) {
              int id = 0; // Unigram: [["piece", score], ...], id = position
              while (p.nextToken() == JsonToken.START_ARRAY) {
                p.nextToken();
                out.putIfAbsent(p.getText(), id++);
                while (p.nextToken() != JsonToken.END_ARRAY) {
                  p.skipChildren();
                }
              }
            } else {
              p.skipChildren();
            }
          }
        } else if (field.equals("added_tokens") && value == JsonToken.START_ARRAY) {
          while (p.nextToken() == JsonToken.START_OBJECT) {
            String content = null;
            Integer id = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String name = p.currentName();
              p.nextToken();
              if (name.equals("content")) {
                content = p.getText();
              } else if (name.equals("id")) {
                id = p.getIntValue();
              } else {
                p.skipChildren();
              }
            }
            if (content != null && id != null) {
              out.put(content, id);
            }
          }
        } else {
          p.skipChildren();
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new RefineryException(
          "cannot read the vocabulary of " + path + " (" + Errors.firstLine(e) + ")", e);
    }
    return out;
  }

  private static void expect(boolean ok) throws IOException {
    if (!ok) {
      throw new IOException("not a JSON object");
    }
  }


  /** Closes every idle handle, and each busy one when its call returns; reopens on next use. */
  @Override
  public void close() {
    Pool p;
    synchronized (this) {
      p = pool;
      pool = null;
    }
    if (p != null) {
      p.close();
    }
  }

  @Override
  public String toString() {
    return "HfTokenizer[" + path + "]";
  }
}
