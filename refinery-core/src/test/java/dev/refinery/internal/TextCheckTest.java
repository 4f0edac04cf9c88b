package dev.refinery.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The byte scans that decide whether a JSON record is worth walking for lone surrogates. */
class TextCheckTest {
  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static boolean inRecord(String json) {
    byte[] b = ascii(json);
    return TextCheck.maySpellSurrogateInRecord(b, 0, b.length);
  }

  private static boolean anywhere(String json) {
    byte[] b = ascii(json);
    return TextCheck.maySpellSurrogate(b, 0, b.length);
  }

  @Test
  void aWellFormedEscapedPairIsACharacterInARecordButCountsInAStreamPiece() {
    // How Python's json.dumps writes an emoji by default.
    String emoji = "{\"t\": \"smile \\ud83d\\ude00 and \\uD83D\\uDE01\"}";
    assertThat(inRecord(emoji)).isFalse();
    assertThat(anywhere(emoji)).isTrue();
  }

  @Test
  void everyWayToSpellALoneOneIsSeenInARecord() {
    for (String json : List.of(
        "{\"t\": \"\\ud800\"}",                 // a high escape alone
        "{\"t\": \"\\ud83d x\"}",               // a high escape not followed by a low one
        "{\"t\": \"\\ud83d\\u0041\"}",          // followed by another escape
        "{\"t\": \"\\ude00\"}",                 // a low escape alone
        "{\"t\": \"\\ude00\\ud83d\"}",          // a pair in the wrong order
        "{\"t\": \"\\\\\\ude00\"}",             // an escaped backslash, then a lone low escape
        "{\"t\": \"\\\\\\ud83d\\ude00\\ude01\"}", // a pair, then a lone low one
        "{\"t\": \"\u00ed\u00a0\u0080\"}",      // CESU-8 bytes of U+D800
        "{\"t\": \"\u0000\"}")) {               // a NUL: UTF-16 or UTF-32 text
      assertThat(inRecord(json)).as(json).isTrue();
      assertThat(anywhere(json)).as(json).isTrue();
    }
  }

  @Test
  void anEscapedBackslashDoesNotOpenAnEscape() {
    // The text is a backslash then "ud83d" then U+DE00 alone: the pair after "\\" is no pair.
    assertThat(inRecord("{\"t\": \"\\\\ud83d\\ude00\"}")).isTrue();
    // A backslash then the plain text "ud800": nothing to find.
    assertThat(inRecord("{\"t\": \"\\\\ud800\"}")).isFalse();
  }

  @Test
  void theEightByteSkipFindsWhatItSkipsToAtEveryOffset() {
    for (String spelled : List.of("\\ud800", "\u00ed\u00bf\u00bf", "\u0000")) {
      for (int at = 0; at < 40; at++) {
        String json = "{\"t\": \"" + "a".repeat(at) + spelled + "b".repeat(40 - at) + "\"}";
        assertThat(inRecord(json)).as(spelled + " at " + at).isTrue();
        assertThat(anywhere(json)).as(spelled + " at " + at).isTrue();
      }
    }
    String plain = "{\"t\": \"" + "plain text \u00e9\u00ed\u0080, \\n \\u00e9 ".repeat(50) + "\"}";
    assertThat(inRecord(plain)).isFalse();
    assertThat(anywhere(plain)).isFalse();
  }
}
