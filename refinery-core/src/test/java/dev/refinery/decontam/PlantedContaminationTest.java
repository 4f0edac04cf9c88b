package dev.refinery.decontam;

import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.SharedData;
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
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The acceptance test: real benchmark items planted into real clean prompts, verbatim,
 * lightly edited (a 13-gram survives) and heavily edited (none does), against an index of the six
 * benchmark groups of shared/data.
 */
class PlantedContaminationTest {
  private static final int PER_BENCHMARK = 12;

  private static Decontaminator index;
  private static List<String> cleanPrompts;

  @BeforeAll
  static void load() throws IOException {
    index = Decontaminator.build(Benchmarks.load(SharedBenchmarks.planted()));
    cleanPrompts = new ArrayList<>();
    for (Map<String, Object> row : rows("llamafactory-demo/alpaca_en_demo.json")) {
      String input = (String) row.get("input");
      cleanPrompts.add(row.get("instruction") + (input == null || input.isEmpty() ? ""
          : "\n" + input));
    }
    for (Map<String, Object> row : rows("nemo-skills-samples/openmathinstruct2_100.jsonl")) {
      cleanPrompts.add((String) row.get("problem"));
    }
  }

  @Test
  void cleanPromptsSurvive() {
    // 999 alpaca instructions (+ input) and 100 OpenMathInstruct-2 problems (83 augmented MATH,
    // 16 augmented GSM8K, 1 GSM8K train): none shares a 13-gram with any of the benchmarks, so
    // the rewrites of OpenMathInstruct-2 are not copies of the test items.
    assertThat(cleanPrompts).hasSize(1099);
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
    // 12 items of each of the 17 benchmark files. 45 of the 369 matches name an earlier item
    // with the same n-gram: AIME 2024/2025 sit in up to three files, the SAT items of
    // sat_math are in gaokao2023en too, gaokao2023en holds AMC 2023 problems, Minerva items
    // share long preambles, and a few items repeat within college_math, olympiadbench and HMMT.
    assertThat(planted).isEqualTo(chosen.size()).isEqualTo(204);
    assertThat(lightlyEdited).isEqualTo(165);
    assertThat(creditedToEarlierCopy).isEqualTo(45);
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
    assertThat(checked).isEqualTo(204);
  }

  @Test
  void nemoSkillsContaminationExamplesShowWhatNgramsFindAndMiss() throws IOException {
    Decontaminator all = Decontaminator.build(Benchmarks.load(SharedBenchmarks.all()));
    Map<String, String> found = new LinkedHashMap<>();
    for (Map<String, Object> row : rows("nemo-skills-samples/contamination_example_10.jsonl")) {
      Optional<Match> m = all.match((String) row.get("problem"));
      found.put(String.valueOf(row.get("id") != null ? row.get("id") : row.get("unique_id")),
          m.map(x -> x.benchmark() + " " + x.item().id()).orElse("missed"));
    }
    // Rows 1-2 are AMC 2023 problems with the variables renamed or a phrase reworded, row
    // aime24-21 a full paraphrase, test/algebra/1098 a reworded five-word MATH-500 item: 13-gram
    // overlap misses all four by design (a paraphrase shares no 13 words in a row). The six
    // AIME 2025 rows are verbatim and found.
    assertThat(found).containsExactly(
        Map.entry("1", "missed"),
        Map.entry("18", "missed"),
        Map.entry("aime24-21", "missed"),
        Map.entry("test/algebra/1098.json", "missed"),
        Map.entry("aime25-17", "math-competition-benchmarks/aime25 aime25-17"),
        Map.entry("aime25-18", "math-competition-benchmarks/aime25 aime25-18"),
        Map.entry("aime25-19", "math-competition-benchmarks/aime25 aime25-19"),
        Map.entry("aime25-20", "math-competition-benchmarks/aime25 aime25-20"),
        Map.entry("aime25-21", "math-competition-benchmarks/aime25 aime25-21"),
        Map.entry("aime25-22", "math-competition-benchmarks/aime25 aime25-22"));
    // The rows' `question` fields are the AMC 2023 originals, and those are found.
    List<Map<String, Object>> amc = rows("nemo-skills-samples/contamination_example_10.jsonl")
        .subList(0, 2);
    assertThat(amc).allSatisfy(row -> assertThat(all.match((String) row.get("question")))
        .hasValueSatisfying(m -> {
          assertThat(m.benchmark()).isEqualTo("qwen25math-eval/amc23");
          assertThat(m.item().id()).isEqualTo(String.valueOf(row.get("id")));
        }));
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
    assertThat(byBenchmark).hasSize(17);
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
        Inputs.resolve(SharedData.file(relative).toString()).get(0))) {
      RawRow row;
      while ((row = r.next()) != null) {
        out.add(row.fields());
      }
    }
    return out;
  }
}
