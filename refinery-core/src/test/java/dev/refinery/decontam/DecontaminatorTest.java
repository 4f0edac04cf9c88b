package dev.refinery.decontam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DecontaminatorTest {
  private static final String GSM = "Janet’s ducks lay 16 eggs per day. She eats three for "
      + "breakfast every morning and bakes muffins for her friends every day with four.";
  private static final String MATH = "Convert the point $(0,3)$ in rectangular coordinates to "
      + "polar coordinates.  Enter your answer in the form $(r,\\theta),$ where $r > 0$.";

  private static Decontaminator index(BenchmarkItem... items) {
    return Decontaminator.build(List.of(items));
  }

  @Test
  void normalizationFoldsCaseCompatibilityFormsAndPunctuation() {
    assertThat(NgramText.words("  Ｗhat is $x+y$?\n\tＦＩＮＤ ﬁve,  Janet’s  "))
        .containsExactly("what", "is", "x", "y", "find", "five", "janet", "s");
    assertThat(NgramText.words("Café naïve \\frac{9}{s}"))
        .containsExactly("café", "naïve", "frac", "9", "s");
    // Decomposed é (e + combining acute) is the same word as the precomposed one after NFKC.
    assertThat(NgramText.words("Cafe\u0301")).containsExactly("café");
  }

  @Test
  void verbatimItemInsideLongerTextMatchesWithItsBenchmarkAndId() {
    Decontaminator d = index(new BenchmarkItem("gsm8k/test", "line 1", "t:1", GSM),
        new BenchmarkItem("math500/test", "test/precalculus/807.json", "t:2", MATH));
    Optional<Match> m = d.match("Please help. " + MATH.toUpperCase() + " Thanks!");
    assertThat(m).isPresent();
    assertThat(m.get().benchmark()).isEqualTo("math500/test");
    assertThat(m.get().item().id()).isEqualTo("test/precalculus/807.json");
    assertThat(m.get().itemIndex()).isEqualTo(1);
    assertThat(m.get().ngram()).isEqualTo("convert the point 0 3 in rectangular coordinates to "
        + "polar coordinates enter your");
    assertThat(m.get().wordOffset()).isEqualTo(2);
  }

  @Test
  void firstNgramInTextOrderWins() {
    Decontaminator d = index(BenchmarkItem.of("a", "1", GSM), BenchmarkItem.of("b", "2", MATH));
    assertThat(d.match(MATH + " and also " + GSM).orElseThrow().benchmark()).isEqualTo("b");
    assertThat(d.match(GSM + " and also " + MATH).orElseThrow().benchmark()).isEqualTo("a");
  }

  @Test
  void twelveSharedWordsDoNotMatchThirteenDo() {
    String item = "one two three four five six seven eight nine ten eleven twelve thirteen "
        + "fourteen";
    Decontaminator d = index(BenchmarkItem.of("b", "1", item));
    assertThat(d.match("x one two three four five six seven eight nine ten eleven twelve y"))
        .isEmpty();
    assertThat(d.match("x two three four five six seven eight nine ten eleven twelve thirteen "
        + "fourteen y")).isPresent();
    assertThat(d.match("one two three four five six SEVENTY eight nine ten eleven twelve "
        + "thirteen fourteen")).isEmpty();
  }

  @Test
  void shortItemsAreMatchedWholeAndVeryShortOnesNotAtAll() {
    String nineWords = "What is the sum of the first ten primes?";
    String fiveWords = "Simplify: $-10-4(n-5)$";
    Decontaminator d = index(BenchmarkItem.of("short", "1", nineWords),
        BenchmarkItem.of("tiny", "2", fiveWords));
    assertThat(d.stats().indexedWhole()).isEqualTo(1);
    assertThat(d.stats().skippedShort()).isEqualTo(1);
    // Even a text shorter than n words is checked against whole short items.
    assertThat(d.match("what is the sum of the first ten primes")).isPresent();
    assertThat(d.match("Quick: what is the sum of the first ten primes? Show work."))
        .hasValueSatisfying(m -> assertThat(m.ngram()).isEqualTo(
            "what is the sum of the first ten primes"));
    assertThat(d.match("what is the sum of the first eleven primes")).isEmpty();
    assertThat(d.match("Simplify: $-10-4(n-5)$")).isEmpty();
  }

  @Test
  void ngramLengthIsConfigurable() {
    Decontaminator five = Decontaminator.build(List.of(BenchmarkItem.of("b", "1", GSM)),
        NgramOptions.ofN(5));
    assertThat(five.match("they eat three for breakfast every morning")).isPresent();
    assertThat(index(BenchmarkItem.of("b", "1", GSM))
        .match("they eat three for breakfast every morning")).isEmpty();
    assertThatThrownBy(() -> new NgramOptions(5, 8))
        .hasMessageContaining("min words must be between 1 and n");
  }

  @Test
  void earliestItemWinsWhenSeveralShareAnNgram() {
    Decontaminator d = index(BenchmarkItem.of("test", "1", GSM),
        BenchmarkItem.of("socratic", "1", GSM + " How many eggs?"));
    assertThat(d.match(GSM).orElseThrow().benchmark()).isEqualTo("test");
    assertThat(d.benchmarks()).containsExactly("test", "socratic");
  }

  @Test
  void emptyAndNullTextsAreClean() {
    Decontaminator d = index(BenchmarkItem.of("b", "1", GSM));
    assertThat(d.match(null)).isEmpty();
    assertThat(d.match("")).isEmpty();
    assertThat(d.match("?!? ...")).isEmpty();
  }

  @Test
  void manyItemsGrowTheTableAndAllStayFindable() {
    List<BenchmarkItem> items = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      StringBuilder s = new StringBuilder();
      for (int w = 0; w < 20; w++) {
        s.append("w").append(i).append('x').append(w).append(' ');
      }
      items.add(BenchmarkItem.of("gen", String.valueOf(i), s.toString()));
    }
    Decontaminator d = Decontaminator.build(items);
    assertThat(d.stats().ngrams()).isEqualTo(3000 * 8);
    for (int i = 0; i < 3000; i += 7) {
      assertThat(d.match("lead in " + items.get(i).text()).orElseThrow().item().id())
          .isEqualTo(String.valueOf(i));
    }
  }

  @Test
  void sharedAcrossThreadsAndSerializedItGivesTheSameAnswers() throws Exception {
    Decontaminator d = index(BenchmarkItem.of("a", "1", GSM), BenchmarkItem.of("b", "2", MATH));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(d);
    }
    Decontaminator copy;
    try (ObjectInputStream in = new ObjectInputStream(
        new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (Decontaminator) in.readObject();
    }
    List<String> texts = IntStream.range(0, 2000)
        .mapToObj(i -> i % 3 == 0 ? "x " + GSM : i % 3 == 1 ? MATH + " " + i : "clean " + i)
        .toList();
    List<Optional<Match>> sequential = texts.stream().map(d::match).toList();
    assertThat(texts.parallelStream().map(d::match).toList()).isEqualTo(sequential);
    assertThat(texts.parallelStream().map(copy::match).toList()).isEqualTo(sequential);
    assertThat(sequential.stream().filter(Optional::isPresent).count()).isEqualTo(1334);
  }
}
