package dev.refinery.tokenize;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Packs documents into sequences of at most {@code maxLength} tokens by best-fit decreasing,
 * keeping document boundaries ({@link PackedSequence#positionIds()} restart at each document,
 * {@link PackedSequence#cuSeqlens()} mark where each ends).
 *
 * <p><b>Streaming, window by window.</b> The packer reads {@code window} documents, packs them,
 * hands out their sequences, then reads the next window; no sequence mixes documents of two
 * windows. Memory is bounded by one window of documents (about {@code window × mean length × 5}
 * bytes: an int id and a mask byte per token) plus its bins. The trade-off: a larger window gives
 * best-fit more small documents to fill the gaps the large ones leave, and only the last few
 * bins of each window are left part-empty, so efficiency rises with the window (at 4096 tokens
 * with chat-like lengths, 10,000 documents already reach well over 95%); a smaller window costs
 * efficiency but holds less memory and keeps the output closer to the input order. Within a
 * window, sequences of long documents come first and those of short leftovers last, so shuffle
 * the packed sequences before training.
 *
 * <p>Measured on 50,000 lognormal lengths (median 800, sigma 0.8, cut at 4096) packed at 4096:
 * window 10 gives 82.8%, 100 gives 97.5%, 1,000 gives 99.6%, 10,000 gives 99.9%, 50,000 gives
 * 99.95%; a window of 10,000 such documents holds about 55 MB of tokens.
 *
 * <p><b>Deterministic.</b> Documents are placed longest first, ties in input order; each goes
 * into the bin with the least room that still fits it, ties to the bin opened first; a document
 * that fits nowhere opens a new bin. Sequences come out in the order their bins were opened, and
 * the documents inside a sequence in input order. The same input and window always give the
 * same output.
 *
 * <p>Every document must have 1 to {@code maxLength} tokens: apply a {@link LengthLimit} with
 * {@code drop} or {@code truncate} first ({@code keep} cannot be packed).
 */
public final class Packer {
  /** The default window, in documents. */
  public static final int DEFAULT_WINDOW = 10_000;

  private final int maxLength;
  private final int window;

  /**
   * @param maxLength the sequence length to pack into, at least 1
   * @param window documents packed together, at least 1
   */
  public Packer(int maxLength, int window) {
    if (maxLength < 1) {
      throw new IllegalArgumentException("max_length must be at least 1, was " + maxLength);
    }
    if (window < 1) {
      throw new IllegalArgumentException("The packing window must be at least 1 document, was "
          + window);
    }
    this.maxLength = maxLength;
    this.window = window;
  }

  /** A packer with the {@linkplain #DEFAULT_WINDOW default window}. */
  public Packer(int maxLength) {
    this(maxLength, DEFAULT_WINDOW);
  }

  public int maxLength() {
    return maxLength;
  }

  public int window() {
    return window;
  }

  /** Packs a stream of documents lazily: documents are read one window at a time. */
  public Packing pack(Iterator<TokenizedSample> documents) {
    return new Packing(documents);
  }

  /** Packs a list of documents at once. */
  public List<PackedSequence> packAll(List<TokenizedSample> documents) {
    List<PackedSequence> out = new ArrayList<>();
    pack(documents.iterator()).forEachRemaining(out::add);
    return out;
  }

  /**
   * Where each document of one window goes: for each bin, in the order the bins were opened, the
   * indices (into {@code lengths}) of its documents in ascending order. Best-fit decreasing, ties
   * broken as the class comment says.
   */
  static List<int[]> bestFitDecreasing(int[] lengths, int maxLength) {
    int n = lengths.length;
    // Longest first, ties by input order: sort (maxLength - length, index) ascending.
    long[] order = new long[n];
    for (int i = 0; i < n; i++) {
      order[i] = ((long) (maxLength - lengths[i]) << 32) | i;
    }
    Arrays.sort(order);
    // Bins by room left; among bins with the same room, the first opened wins.
    TreeMap<Integer, TreeSet<Integer>> byRoom = new TreeMap<>();
    List<IntList> bins = new ArrayList<>();
    int[] room = new int[Math.max(n, 1)];
    for (long key : order) {
      int doc = (int) key;
      int length = lengths[doc];
      Map.Entry<Integer, TreeSet<Integer>> fit = byRoom.ceilingEntry(length);
      int bin;
      if (fit == null) {
        bin = bins.size();
        bins.add(new IntList());
        room[bin] = maxLength;
      } else {
        TreeSet<Integer> same = fit.getValue();
        bin = same.pollFirst();
        if (same.isEmpty()) {
          byRoom.remove(fit.getKey());
        }
      }
      bins.get(bin).add(doc);
      room[bin] -= length;
      if (room[bin] > 0) {
        byRoom.computeIfAbsent(room[bin], k -> new TreeSet<>()).add(bin);
      }
    }
    List<int[]> out = new ArrayList<>(bins.size());
    for (IntList bin : bins) {
      int[] docs = bin.toArray();
      Arrays.sort(docs);
      out.add(docs);
    }
    return out;
  }

  /** The packed sequences of a stream, produced lazily, and what was packed so far. */
  public final class Packing implements Iterator<PackedSequence> {
    private final Iterator<TokenizedSample> source;
    private final ArrayDeque<PackedSequence> ready = new ArrayDeque<>();
    private long documents;
    private long tokens;
    private long sequences;

    private Packing(Iterator<TokenizedSample> source) {
      this.source = source;
    }

    @Override
    public boolean hasNext() {
      if (ready.isEmpty() && source.hasNext()) {
        packNextWindow();
      }
      return !ready.isEmpty();
    }

    @Override
    public PackedSequence next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      PackedSequence s = ready.poll();
      sequences++;
      tokens += s.length();
      documents += s.documents();
      return s;
    }

    /** What the sequences handed out so far hold. */
    public PackingStats stats() {
      return new PackingStats(maxLength, documents, tokens, sequences);
    }

    private void packNextWindow() {
      List<TokenizedSample> docs = new ArrayList<>(Math.min(window, 1024));
      while (docs.size() < window && source.hasNext()) {
        TokenizedSample d = source.next();
        if (d.length() < 1 || d.length() > maxLength) {
          throw new IllegalArgumentException("Cannot pack sample " + d.uuid() + " of "
              + d.length() + " tokens into sequences of " + maxLength + ": "
              + (d.length() < 1 ? "it is empty." : "apply the drop or truncate length policy "
                  + "first."));
        }
        docs.add(d);
      }
      int[] lengths = new int[docs.size()];
      for (int i = 0; i < lengths.length; i++) {
        lengths[i] = docs.get(i).length();
      }
      for (int[] bin : bestFitDecreasing(lengths, maxLength)) {
        ready.add(assemble(docs, bin));
      }
    }
  }

  private static PackedSequence assemble(List<TokenizedSample> docs, int[] bin) {
    int total = 0;
    for (int d : bin) {
      total += docs.get(d).length();
    }
    int[] ids = new int[total];
    byte[] mask = new byte[total];
    int[] positions = new int[total];
    int[] cu = new int[bin.length + 1];
    List<String> uuids = new ArrayList<>(bin.length);
    int at = 0;
    for (int k = 0; k < bin.length; k++) {
      TokenizedSample doc = docs.get(bin[k]);
      int len = doc.length();
      System.arraycopy(doc.inputIds(), 0, ids, at, len);
      System.arraycopy(doc.lossMask(), 0, mask, at, len);
      for (int p = 0; p < len; p++) {
        positions[at + p] = p;
      }
      at += len;
      cu[k + 1] = at;
      uuids.add(doc.uuid());
    }
    return new PackedSequence(ids, mask, positions, cu, uuids);
  }

  private static final class IntList {
    private int[] a = new int[4];
    private int size;

    void add(int v) {
      if (size == a.length) {
        a = Arrays.copyOf(a, size * 2);
      }
      a[size++] = v;
    }

    int[] toArray() {
      return Arrays.copyOf(a, size);
    }
  }
}
