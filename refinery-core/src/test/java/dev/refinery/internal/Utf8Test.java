package dev.refinery.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Utf8Test {
  /** Bytes that make every kind of sequence, well formed or not, likely. */
  private static final int[] PIECES = {'a', ' ', '<', '>', '/', 't', 'h', 'i', 'n', 'k', 0x7F,
      0x80, 0xBF, 0xC0, 0xC1, 0xC2, 0xC3, 0xDF, 0xE0, 0xE1, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF,
      0x9F, 0xA0, 0x8F, 0x90};

  private static boolean strict(byte[] b, int from, int to) {
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b, from, to - from));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  @Test
  void validityIsTheStrictDecodersOnRandomBytes() {
    Random random = new Random(11);
    int invalid = 0;
    for (int n = 0; n < 200_000; n++) {
      byte[] b = new byte[random.nextInt(24)];
      for (int i = 0; i < b.length; i++) {
        b[i] = (byte) (random.nextInt(4) == 0 ? random.nextInt(256)
            : PIECES[random.nextInt(PIECES.length)]);
      }
      int from = b.length == 0 ? 0 : random.nextInt(Math.min(3, b.length + 1));
      boolean expected = strict(b, from, b.length);
      assertThat(Utf8.isValid(b, from, b.length)).as("%s", java.util.Arrays.toString(b))
          .isEqualTo(expected);
      int cps = Utf8.validCodePoints(b, from, b.length);
      Utf8.Found found = new Utf8.Found();
      assertThat(Utf8.scan(b, from, b.length, found)).isEqualTo(expected);
      if (expected) {
        String s = new String(b, from, b.length - from, StandardCharsets.UTF_8);
        assertThat(cps).isEqualTo(s.codePointCount(0, s.length()));
        assertThat(Utf8.codePoints(b, from, b.length)).isEqualTo(cps);
        assertThat(found.codePoints).isEqualTo(cps);
      } else {
        assertThat(cps).isEqualTo(-1);
        invalid++;
      }
    }
    assertThat(invalid).isBetween(10_000, 190_000);
  }

  @Test
  void edgeSequences() {
    assertThat(Utf8.isValid(bytes(0xED, 0xA0, 0x80), 0, 3)).isFalse(); // a surrogate
    assertThat(Utf8.isValid(bytes(0xC0, 0xAF), 0, 2)).isFalse(); // overlong '/'
    assertThat(Utf8.isValid(bytes(0xF4, 0x90, 0x80, 0x80), 0, 4)).isFalse(); // above U+10FFFF
    assertThat(Utf8.isValid(bytes(0xE2, 0x82), 0, 2)).isFalse(); // truncated
    assertThat(Utf8.isValid(bytes(0xF0, 0x9F, 0x98, 0x80), 0, 4)).isTrue(); // an emoji
    assertThat(Utf8.validCodePoints(bytes(0xF0, 0x9F, 0x98, 0x80), 0, 4)).isEqualTo(1);
  }

  @Test
  void scanFindsTheFirstTagsAndTheCodePointsBeforeThem() {
    String s = "é 😀 x".repeat(5) + "</think>ab<think>cd<think></think>";
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    Utf8.Found f = new Utf8.Found();
    assertThat(Utf8.scan(b, 0, b.length, f)).isTrue();
    int close = s.indexOf("</think>");
    int open = s.indexOf("<think>");
    assertThat(f.close).isEqualTo(s.substring(0, close).getBytes(StandardCharsets.UTF_8).length);
    assertThat(f.closeCodePoints).isEqualTo(s.codePointCount(0, close));
    assertThat(f.open).isEqualTo(s.substring(0, open).getBytes(StandardCharsets.UTF_8).length);
    assertThat(f.openCodePoints).isEqualTo(s.codePointCount(0, open));
    assertThat(f.codePoints).isEqualTo(s.codePointCount(0, s.length()));
    assertThat(Utf8.scan(b, 0, 3, f)).isTrue(); // "é "
    assertThat(f.open).isEqualTo(-1);
    assertThat(f.close).isEqualTo(-1);
  }

  @Test
  void stripPassesOverJavaWhitespaceOnly() {
    String s = "\u2003\n\u3000 a\u00A0b \u2029\t";
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    int start = Utf8.stripStart(b, 0, b.length);
    int end = Utf8.stripEnd(b, start, b.length);
    assertThat(new String(b, start, end - start, StandardCharsets.UTF_8)).isEqualTo(s.strip());
  }

  private static byte[] bytes(int... v) {
    byte[] b = new byte[v.length];
    for (int i = 0; i < v.length; i++) {
      b[i] = (byte) v[i];
    }
    return b;
  }
}
