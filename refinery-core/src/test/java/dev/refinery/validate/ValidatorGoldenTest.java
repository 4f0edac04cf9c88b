package dev.refinery.validate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.dataset.Rejected;
import dev.refinery.format.Formats;
import dev.refinery.internal.Json;
import dev.refinery.io.Inputs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The hand-written fixture plants at least one defect per rule beside clean rows and broken
 * lines; the expected report was counted by hand (see the row comments in the test below).
 */
class ValidatorGoldenTest {

  static Path resource(String name) throws Exception {
    return Path.of(ValidatorGoldenTest.class.getResource(name).toURI());
  }

  @Test
  void fixtureReportMatchesTheHandCountedGolden() throws Exception {
    List<Rejected> rejects = Collections.synchronizedList(new ArrayList<>());
    ValidationReport report = new Validator().validate(
        Inputs.resolve(resource("fixture.jsonl").toString()), Formats.nemotron(), rejects::add);

    Object expected = Json.parse(Files.readString(resource("fixture.expected.json")));
    // Descriptions are prose for people; the golden pins the numbers and examples. Undecodable
    // records are named by where they were read: the golden has the file name without its folder.
    String folder = resource("fixture.jsonl").getParent() + java.io.File.separator;
    String json = report.toJson().replace(Json.write(folder).replaceAll("^\"|\"$", ""), "");
    assertThat(withoutDescriptions(Json.parse(json))).isEqualTo(expected);

    assertThat(rejects).extracting(r -> r.location().line()).containsExactly(30L, 31L, 32L);
    assertThat(rejects.get(0).reason()).startsWith("invalid JSON");
    assertThat(rejects.get(1).reason()).isEqualTo("messages is missing");
    assertThat(rejects.get(2).reason()).isEqualTo("messages[0] has no role");
  }

  @Test
  void reportListsEveryRuleInRuleOrderWithDuplicatesLast() throws Exception {
    ValidationReport report = new Validator().validate(
        Inputs.resolve(resource("fixture.jsonl").toString()), Formats.nemotron(), r -> { });
    List<String> ids = new ArrayList<>();
    Rules.standard().forEach(r -> ids.add(r.id()));
    ids.add(Rules.DUPLICATE_UUID);
    assertThat(report.rules().keySet()).containsExactlyElementsOf(ids);
    assertThat(report.rule("broken_think_block").description()).contains("<think>");
  }

  @Test
  void summaryIsAnAlignedTable() throws Exception {
    ValidationReport report = new Validator().validate(
        Inputs.resolve(resource("fixture.jsonl").toString()), Formats.nemotron(), r -> { });
    String summary = report.summary();
    assertThat(summary).contains("  malformed            6  (reasoning_not_on_off 1, "
        + "no_messages 1, unknown_role 1, undecodable 3)\n");
    assertThat(summary).contains("avg output length  18.19  (code points, final assistant turn)");
    List<String> table = summary.lines().dropWhile(l -> !l.startsWith("rule ")).toList();
    assertThat(table).hasSize(1 + Rules.standard().size() + 1);
    int countEnd = table.get(0).indexOf("count") + "count".length();
    for (String row : table.subList(1, table.size())) {
      assertThat(row.charAt(countEnd - 1)).as(row).isBetween('0', '9');
    }
    assertThat(summary).contains("self_identification")
        .contains("self-id-row")
        .contains("duplicate_uuid");
  }

  @SuppressWarnings("unchecked")
  static Object withoutDescriptions(Object json) {
    Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) json);
    Map<String, Object> rules = new LinkedHashMap<>();
    ((Map<String, Object>) copy.get("rules")).forEach((id, tally) -> {
      Map<String, Object> t = new LinkedHashMap<>((Map<String, Object>) tally);
      t.remove("description");
      rules.put(id, t);
    });
    copy.put("rules", rules);
    return copy;
  }
}
