package dev.refinery.decontam;

import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.TestData;
import dev.refinery.filter.Scores;
import dev.refinery.filter.Verdict;
import dev.refinery.io.Inputs;
import dev.refinery.io.RawRow;
import dev.refinery.io.RowReader;
import dev.refinery.io.RowReaders;
import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The acceptance test: real benchmark items planted into real clean prompts, verbatim,
 * lightly edited (a 13-gram survives) and heavily edited (none does), against an index of the six
 * benchmark groups of testdata/ (GSM8K, MATH-500, HumanEval, MBPP+ and
 * four Qwen2.5-Math evaluation sets).
 */
class PlantedContaminationTest {
  private static final int PER_BENCHMARK = 12;

  private static Decontaminator index;
  private static List<String> cleanPrompts;

  @BeforeAll
  static void load() throws IOException {
    index = Decontaminator.build(Benchmarks.load(TestBenchmarks.planted()));
    cleanPrompts = new ArrayList<>();
    for (Map<String, Object> row : rows("llamafactory-demo/glaive_toolcall_en_demo.json")) {
      Map<?, ?> firstTurn = (Map<?, ?>) ((List<?>) row.get("conversations")).get(0);
      cleanPrompts.add((String) firstTurn.get("value"));
    }
    for (Map<String, Object> row : rows("nemo-skills-samples/openmathinstruct2_100.jsonl")) {
      cleanPrompts.add((String) row.get("problem"));
    }
  }

  @Test
  void cleanPromptsSurvive() {
    // 300 glaive user prompts and 100 OpenMathInstruct-2 problems (83 augmented MATH, 16
    // augmented GSM8K, 1 GSM8K train): none shares a 13-gram with any of the benchmarks, so the
    // rewrites of OpenMathInstruct-2 are not copies of the test items.
    assertThat(cleanPrompts).hasSize(400);
    List<String> flagged = cleanPrompts.stream()
        .filter(p -> index.match(p).isPresent()).toList();
    assertThat(flagged).isEmpty();
  }

  @Test
  void verbatimAndLightlyEditedItemsAreFoundWithTheirBenchmarkAndItem() {
    int planted = 0;
    int lightlyEdited = 0;
    int creditedToEarlierCopy = 0;
    List<Integer> chosen = chosenItems();
    for (int k = 0; k < chosen.size(); k++) {
      int itemIndex = chosen.get(k);
      BenchmarkItem item = index.items().get(itemIndex);
      String host = cleanPrompts.get(k % cleanPrompts.size());

      Match verbatim = index.match(host + "\n\n" + item.text() + "\nThank you.").orElseThrow(
          () -> new AssertionError("verbatim item missed: " + item.location()));
      creditedToEarlierCopy += checkCredited(verbatim, itemIndex);
      planted++;

      String edited = lightlyEdit(item.text());
      if (edited != null) {
        assertThat(edited).isNotEqualTo(item.text());
        Match light = index.match("Please solve: " + edited + "\n" + host).orElseThrow(
            () -> new AssertionError("lightly edited item missed: " + item.location()));
        creditedToEarlierCopy += checkCredited(light, itemIndex);
        lightlyEdited++;
      }
    }
    // 12 items of each of the 8 benchmark files. 9 of the 178 matches name an earlier item with
    // the same 13-gram (items of these sets share preambles or repeat one another).
    assertThat(planted).isEqualTo(chosen.size()).isEqualTo(96);
    assertThat(lightlyEdited).isEqualTo(82);
    assertThat(creditedToEarlierCopy).isEqualTo(9);
  }

  @Test
  void heavilyEditedItemsAreNotFound() {
    int checked = 0;
    for (int itemIndex : chosenItems()) {
      List<String> words = Decontaminator.normalizedWords(index.items().get(itemIndex).text());
      if (words.size() < 8) {
        continue;
      }
      // Every sixth word replaced: no run of 13 (nor of 8, the shortest whole item) survives.
      for (int w = 0; w < words.size(); w += 6) {
        words.set(w, "zorblax" + w);
      }
      String text = "Please solve: " + String.join(" ", words) + "\n" + cleanPrompts.get(checked);
      assertThat(index.match(text)).as("heavily edited %s", index.items().get(itemIndex)
          .location()).isEmpty();
      checked++;
    }
    assertThat(checked).isEqualTo(96);
  }

  @Test
  void nemoSkillsContaminationExamplesShowWhatNgramsFindAndMiss() throws IOException {
    Decontaminator all = Decontaminator.build(Benchmarks.load(TestBenchmarks.all()));
    // testdata keeps only the MATH-500 row of NeMo-Skills' ten examples (the others are AIME /
    // AMC problems, not redistributable): a reworded five-word item that 13-gram overlap misses
    // by design (a paraphrase shares no 13 words in a row).
    List<Map<String, Object>> rows = rows("nemo-skills-samples/contamination_example_10.jsonl");
    assertThat(rows).hasSize(1);
    Map<String, Object> row = rows.get(0);
    assertThat(row.get("unique_id")).isEqualTo("test/algebra/1098.json");
    assertThat(all.match((String) row.get("problem"))).isEmpty();
  }

  @Test
  void theFilterDropsContaminatedSamplesWithTheBenchmarkAsReason() {
    BenchmarkItem gsm = index.items().stream()
        .filter(i -> i.benchmark().equals("gsm8k/test")).findFirst().orElseThrow();
    DecontaminationFilter byPrompt =
        new DecontaminationFilter(index, DecontaminationFilter.Target.PROMPT);
    DecontaminationFilter byAnswer =
        new DecontaminationFilter(index, DecontaminationFilter.Target.ANSWER);
    Sample inPrompt = sample("Hi", cleanPrompts.get(3), gsm.text(), "Sure.");
    Sample inAnswer = sample(cleanPrompts.get(4), "Here is one: " + gsm.text());

    Scores scores = byPrompt.score(inPrompt);
    assertThat(scores.get("contaminated")).isEqualTo(1);
    assertThat(index.items().get((int) scores.get("item"))).isEqualTo(gsm);
    assertThat(byPrompt.decide(scores)).isEqualTo(Verdict.drop("contaminated:gsm8k/test"));
    assertThat(byPrompt.apply(inAnswer).kept()).isTrue();
    assertThat(byAnswer.apply(inPrompt).kept()).isTrue();
    assertThat(byAnswer.apply(inAnswer).dropReason()).isEqualTo("contaminated:gsm8k/test");
    assertThat(new DecontaminationFilter(index, DecontaminationFilter.Target.PROMPT_AND_ANSWER)
        .match(inAnswer).map(Match::item)).contains(gsm);
  }

  /** Alternating user / assistant turns. */
  private static Sample sample(String... turns) {
    List<Message> messages = new ArrayList<>();
    for (int i = 0; i < turns.length; i++) {
      messages.add(Message.of(i % 2 == 0 ? Message.USER : Message.ASSISTANT, turns[i]));
    }
    return Sample.builder().uuid("u").messages(messages).build();
  }

  /** Evenly spread items of every benchmark, at least 8 words long (shorter are not indexed). */
  private static List<Integer> chosenItems() {
    Map<String, List<Integer>> byBenchmark = new LinkedHashMap<>();
    List<BenchmarkItem> items = index.items();
    for (int i = 0; i < items.size(); i++) {
      if (Decontaminator.normalizedWords(items.get(i).text()).size() >= 8) {
        byBenchmark.computeIfAbsent(items.get(i).benchmark(), b -> new ArrayList<>()).add(i);
      }
    }
    List<Integer> chosen = new ArrayList<>();
    for (List<Integer> indexes : byBenchmark.values()) {
      int step = Math.max(1, indexes.size() / PER_BENCHMARK);
      for (int j = 0; j < indexes.size() && j / step < PER_BENCHMARK; j += step) {
        chosen.add(indexes.get(j));
      }
    }
    assertThat(byBenchmark).hasSize(8);
    return chosen;
  }

  /**
   * Changes three whitespace-separated tokens near the start (as a rewording of the opening
   * would), or null when what is left would not keep 13 of the item's words in a row.
   */
  private static String lightlyEdit(String text) {
    String[] tokens = text.strip().split("\\s+");
    if (tokens.length < 20) {
      return null;
    }
    for (int t : new int[] {0, 2, 4}) {
      tokens[t] = "quux" + t;
    }
    String edited = String.join(" ", tokens);
    List<String> original = Decontaminator.normalizedWords(text);
    List<String> after = Decontaminator.normalizedWords(edited);
    for (int start = 0; start + 13 <= after.size(); start++) {
      if (Collections.indexOfSubList(original, after.subList(start, start + 13)) >= 0) {
        return edited;
      }
    }
    return null;
  }

  /** 0 when the planted item itself is named, 1 when an identical n-gram of an earlier one is. */
  private static int checkCredited(Match m, int plantedIndex) {
    if (m.itemIndex() == plantedIndex) {
      return 0;
    }
    assertThat(m.itemIndex()).as("%s credited to a later item %s", index.items()
        .get(plantedIndex).location(), m.item().location()).isLessThan(plantedIndex);
    assertThat(Collections.indexOfSubList(
        Decontaminator.normalizedWords(index.items().get(plantedIndex).text()),
        List.of(m.ngram().split(" ")))).isGreaterThanOrEqualTo(0);
    return 1;
  }

  private static List<Map<String, Object>> rows(String relative) throws IOException {
    List<Map<String, Object>> out = new ArrayList<>();
    try (RowReader r = RowReaders.open(
        Inputs.resolve(TestData.file(relative).toString()).get(0))) {
      RawRow row;
      while ((row = r.next()) != null) {
        out.add(row.fields());
      }
    }
    return out;
  }
}
