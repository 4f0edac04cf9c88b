package dev.refinery.pipeline;

import dev.refinery.sample.Sample;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tokenize step's result carried on its row to the tokenized sink, so that a row is
 * tokenized once: the step runs per partition on the workers, the sink packs and writes in
 * output order. It rides in the row's extra fields through the last stage file (ids as varints
 * and the mask as bits, Base64: a string is what stage files keep cheapest), and is taken off
 * before the row goes anywhere else ({@code data/}, a rejects file).
 */
final class TokenAttachment {
  private TokenAttachment() {}

  /** The row's token ids and loss mask. */
  static final String TOKENS = "__refinery_tokens";
  /** Why the template could not render the row (the step passes it on for the sink to reject). */
  static final String ERROR = "__refinery_tokenize_error";

  /** Ids and mask as read back. */
  record Tokens(int[] ids, byte[] mask) {}

  static Sample withTokens(Sample row, int[] ids, byte[] mask) {
    return with(row, TOKENS, encode(ids, mask));
  }

  static Sample withError(Sample row, String message) {
    return with(row, ERROR, message);
  }

  private static Sample with(Sample row, String key, String value) {
    Map<String, Object> extra = new LinkedHashMap<>(row.extra());
    extra.put(key, value);
    return row.toBuilder().extra(extra).build();
  }

  /** The row as the step received it. */
  static Sample strip(Sample row) {
    Map<String, Object> extra = row.extra();
    if (!extra.containsKey(TOKENS) && !extra.containsKey(ERROR)) {
      return row;
    }
    Map<String, Object> own = new LinkedHashMap<>(extra);
    own.remove(TOKENS);
    own.remove(ERROR);
    return row.toBuilder().extra(own).build();
  }

  /** The template's error, or null when the row was tokenized. */
  static String error(Sample row) {
    return row.extra().get(ERROR) instanceof String s ? s : null;
  }

  /** The row's tokens; throws when the row carries none (it did not pass the tokenize step). */
  static Tokens tokens(Sample row) {
    if (!(row.extra().get(TOKENS) instanceof String text)) {
      throw new IllegalStateException("row " + row.id() + " (uuid " + row.uuid()
          + ") reached the tokenized output without tokens");
    }
    return decode(text);
  }

  static String encode(int[] ids, byte[] mask) {
    byte[] buf = new byte[5 + 5 * ids.length + (ids.length + 7) / 8];
    int at = putVarint(buf, 0, ids.length);
    for (int id : ids) {
      at = putVarint(buf, at, id);
    }
    for (int i = 0; i < mask.length; i++) {
      if (mask[i] != 0) {
        buf[at + i / 8] |= (byte) (1 << (i % 8));
      }
    }
    at += (mask.length + 7) / 8;
    return Base64.getEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(buf, at));
  }

  static Tokens decode(String text) {
    byte[] buf = Base64.getDecoder().decode(text);
    int[] at = {0};
    int n = getVarint(buf, at);
    int[] ids = new int[n];
    for (int i = 0; i < n; i++) {
      ids[i] = getVarint(buf, at);
    }
    byte[] mask = new byte[n];
    int base = at[0];
    for (int i = 0; i < n; i++) {
      mask[i] = (byte) ((buf[base + i / 8] >> (i % 8)) & 1);
    }
    return new Tokens(ids, mask);
  }

  /** An unsigned 32-bit varint (a negative int takes five bytes and comes back the same). */
  private static int putVarint(byte[] buf, int at, int value) {
    int v = value;
    while ((v & ~0x7F) != 0) {
      buf[at++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    buf[at++] = (byte) v;
    return at;
  }

  private static int getVarint(byte[] buf, int[] at) {
    int v = 0;
    int shift = 0;
    while (true) {
      byte b = buf[at[0]++];
      v |= (b & 0x7F) << shift;
      if (b >= 0) {
        return v;
      }
      shift += 7;
    }
  }
}
