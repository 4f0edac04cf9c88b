package dev.refinery.demo;

import java.util.SplittableRandom;

/**
 * Cheap filler text from fixed banks: sentences of random vocabulary words behind a connector,
 * reasoning traces and lengths from a skewed (log-normal) distribution. StrictMath keeps the
 * numbers, and so the files, identical on every JVM and CPU.
 */
final class Text {
  private static final String[] WORDS = (
      "the value of this term we can then check each case so that result gives total sum over "
      + "all possible steps since both sides must equal given condition which means first second "
      + "number factor simplify expression again carefully because answer should be consistent "
      + "with constraint note that only when it also follows from previous line hence rule apply "
      + "same idea here look at pattern small example larger input edge case zero negative "
      + "positive integer real rate energy force mass charge reaction cell membrane protein "
      + "signal circuit current voltage load stress design model data function list loop index "
      + "array string memory time space order bound estimate approximate exact closer reading "
      + "question asks about key point main idea useful think carefully maybe better way another "
      + "approach would work well instead direct method compare both options choose simpler one "
      + "overall structure looks right now verify final form units dimension match expected")
      .split(" ");

  private static final String[] TRACE_OPENERS = {
      "Okay, let me think about this.",
      "Alright, so the question is asking something fairly specific.",
      "Let me start by restating the problem in my own words.",
      "Hmm, I need to be careful with this one.",
      "Okay, so I need to figure out what is actually being asked here.",
  };

  private static final String[] CONNECTORS = {
      "First,", "Next,", "Wait,", "Hmm,", "So", "But", "Let me double-check:", "Actually,",
      "That means", "On the other hand,", "Let me verify this:", "Alternatively,", "Now,",
      "Okay,", "In other words,", "Then",
  };

  private static final String[] TRACE_CLOSERS = {
      "I think that settles it, so let me write up the answer.",
      "That seems consistent, so I'm fairly confident now.",
      "Everything checks out. Let me put the final answer together.",
  };

  private Text() {}

  static String pick(SplittableRandom rng, String[] bank) {
    return bank[rng.nextInt(bank.length)];
  }

  static <T> T pick(SplittableRandom rng, java.util.List<T> bank) {
    return bank.get(rng.nextInt(bank.size()));
  }

  /** One sentence: a connector, 6 to 17 vocabulary words, a full stop. */
  static void sentence(SplittableRandom rng, StringBuilder out) {
    out.append(pick(rng, CONNECTORS));
    int words = 6 + rng.nextInt(12);
    for (int i = 0; i < words; i++) {
      out.append(' ').append(pick(rng, WORDS));
    }
    out.append('.');
  }

  /** Sentences until about {@code chars} characters, broken into paragraphs. */
  static void prose(SplittableRandom rng, StringBuilder out, int chars) {
    int start = out.length();
    int sinceBreak = 0;
    while (out.length() - start < chars) {
      if (out.length() > start) {
        if (sinceBreak >= 3 && rng.nextInt(3) == 0) {
          out.append("\n\n");
          sinceBreak = 0;
        } else {
          out.append(' ');
        }
      }
      sentence(rng, out);
      sinceBreak++;
    }
  }

  static String prose(SplittableRandom rng, int chars) {
    StringBuilder out = new StringBuilder(chars + 120);
    prose(rng, out, chars);
    return out.toString();
  }

  /**
   * A reasoning trace of about {@code chars} characters that mentions {@code subject} near the
   * start, as real traces restate the task.
   */
  static String trace(SplittableRandom rng, String subject, int chars) {
    StringBuilder out = new StringBuilder(chars + 200);
    out.append(pick(rng, TRACE_OPENERS)).append(" The task is about ").append(subject)
        .append(".\n\n");
    prose(rng, out, Math.max(0, chars - out.length() - 60));
    out.append("\n\n").append(pick(rng, TRACE_CLOSERS));
    return out.toString();
  }

  /**
   * A log-normal length: most rows near {@code median}, a long tail to the right, clamped to
   * [min, max], so percentiles differ clearly from the mean.
   */
  static int skewedLength(SplittableRandom rng, int median, double sigma, int min, int max) {
    double u1 = 1.0 - rng.nextDouble();
    double u2 = rng.nextDouble();
    double gaussian = StrictMath.sqrt(-2.0 * StrictMath.log(u1))
        * StrictMath.cos(2.0 * StrictMath.PI * u2);
    double length = median * StrictMath.exp(sigma * gaussian);
    return (int) Math.max(min, Math.min(max, length));
  }

  /** A reasoning trace length: median ~1,400 chars, from 200 to 16,000. */
  static int traceLength(SplittableRandom rng) {
    return skewedLength(rng, 1400, 0.85, 200, 16_000);
  }

  static String hex(SplittableRandom rng, int digits) {
    StringBuilder out = new StringBuilder(digits);
    for (int i = 0; i < digits; i++) {
      out.append(Character.forDigit(rng.nextInt(16), 16));
    }
    return out.toString();
  }

  /** Two decimals, rounded half up, without Locale or format-string overhead. */
  static String decimal2(double value) {
    long hundredths = Math.round(value * 100);
    String sign = hundredths < 0 ? "-" : "";
    hundredths = Math.abs(hundredths);
    long cents = hundredths % 100;
    return sign + (hundredths / 100) + "." + (cents < 10 ? "0" : "") + cents;
  }
}
