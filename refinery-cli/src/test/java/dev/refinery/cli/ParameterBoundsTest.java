package dev.refinery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.filter.FilterType;
import dev.refinery.filter.FilterTypes;
import dev.refinery.filter.Param;
import dev.refinery.pipeline.StepType;
import dev.refinery.pipeline.StepTypes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every numeric parameter of every step and filter declares its range, and a value outside it is
 * a one-line error naming the YAML file, the parameter's own line and its key path, before any
 * work starts (it used to be "internal error: IllegalArgumentException", exit 3, or no error).
 */
class ParameterBoundsTest {
  @TempDir Path dir;
  Path yaml;

  @BeforeEach
  void input() throws Exception {
    Files.writeString(dir.resolve("in.jsonl"), "{\"messages\": [{\"role\": \"user\", \"content\": "
        + "\"2+2?\"}, {\"role\": \"assistant\", \"content\": \"4\"}]}\n");
    yaml = dir.resolve("p.yaml");
  }

  /** A kind of step as the YAML names it: the step's key, and a filter's name line. */
  private record Kind(String key, String filterName, List<Param> params) {
    String label() {
      return filterName == null ? key : "filter " + filterName;
    }
  }

  private static List<Kind> kinds() {
    List<Kind> kinds = new ArrayList<>();
    for (StepType t : StepTypes.all()) {
      if (!t.name().equals("filter")) {
        kinds.add(new Kind(t.name(), null, t.params()));
      }
    }
    for (FilterType t : FilterTypes.all()) {
      kinds.add(new Kind("filter", t.name(), t.params()));
    }
    return kinds;
  }

  @Test
  void everyNumericParameterDeclaresItsRange() {
    List<String> undeclared = new ArrayList<>();
    for (Kind k : kinds()) {
      for (Param p : k.params()) {
        if (p.numeric() && p.range() == null) {
          undeclared.add(k.label() + "." + p.name());
        }
      }
    }
    assertThat(undeclared).as("numeric parameters without a declared range").isEmpty();
  }

  @Test
  void everyValueOutOfRangeIsOneLineNamingTheParametersLineAndKey() throws Exception {
    int checked = 0;
    for (Kind k : kinds()) {
      for (Param bad : k.params()) {
        if (!bad.numeric() || bad.range() == null || !bad.range().bounded()) {
          continue;
        }
        for (String value : outside(bad)) {
          StringBuilder y = new StringBuilder("input: {path: in.jsonl, format: openai}\n"
              + "steps:\n  - " + k.key() + ":\n");
          if (k.filterName() != null) {
            y.append("      name: ").append(k.filterName()).append('\n');
          }
          for (Param p : k.params()) {
            if (p.required() && p != bad) {
              y.append("      ").append(p.name()).append(": ").append(valid(p)).append('\n');
            }
          }
          int line = (int) y.chars().filter(c -> c == '\n').count() + 1;
          String shown = bad.type() == Param.Type.DOUBLE_MAP ? "{2: " + value + "}" : value;
          y.append("      ").append(bad.name()).append(": ").append(shown).append('\n');
          y.append("output: {path: out, format: jsonl}\n");
          Files.writeString(yaml, y);

          Cli run = Cli.run("run", yaml.toString());
          String key = "steps[0]." + k.key() + "." + bad.name()
              + (bad.type() == Param.Type.DOUBLE_MAP ? ".2" : "");
          String at = k.label() + " " + bad.name() + " = " + value;
          assertThat(run.status()).as(at + ": " + run.err()).isEqualTo(1);
          assertThat(run.err()).as(at)
              .startsWith("error: " + yaml + ":" + line + " " + key + ": expected ")
              .contains(bad.range().toString())
              .hasLineCount(1);
          assertThat(dir.resolve("out")).as(at).doesNotExist();
          checked++;
        }
      }
    }
    // fuzzy_dedup alone has four bounded parameters; the filters dozens more.
    assertThat(checked).isGreaterThan(100);
  }

  /** Values just outside each end of the range, as YAML. */
  private static List<String> outside(Param p) {
    Param.Range r = p.range();
    boolean integer = p.type() == Param.Type.INT;
    List<String> values = new ArrayList<>();
    if (r.min() != null) {
      values.add(r.minOpen() ? number(r.min(), integer) : number(r.min() - (integer ? 1 : 0.5),
          integer));
    }
    if (r.max() != null) {
      values.add(r.maxOpen() ? number(r.max(), integer) : number(r.max() + (integer ? 1 : 0.5),
          integer));
    }
    return values;
  }

  private static String number(double d, boolean integer) {
    return integer ? Long.toString((long) d) : Double.toString(d);
  }

  /** A value a required parameter accepts, so that only the bad one is reported. */
  private static String valid(Param p) {
    switch (p.type()) {
      case INT:
        return Long.toString(p.range() != null && p.range().min() != null
            ? (long) Math.ceil(p.range().min()) + 1 : 1);
      case DOUBLE:
        return p.range() != null && p.range().min() != null ? Double.toString(p.range().min())
            : "1.0";
      case DOUBLE_MAP:
        return "{a: 1}";
      case STRING_LIST:
        return "[x]";
      default:
        return "x";
    }
  }

  @Test
  void negativeLengthsAreRefused() throws Exception {
    Files.writeString(yaml, """
        input: {path: in.jsonl, format: openai}
        steps:
          - filter: {name: reasoning_length, max_chars: -1}
        output: {path: out, format: jsonl}
        """);
    Cli run = Cli.run("run", yaml.toString());
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).isEqualTo("error: " + yaml + ":3 steps[0].filter.max_chars: expected "
        + "an integer >= 0, got -1" + System.lineSeparator());
  }

  /** An IllegalArgumentException from a step's factory is the user's error, at the step's line. */
  @Test
  void parametersThatDoNotFitTogetherAreOneLineAtTheStep() throws Exception {
    Files.writeString(yaml, """
        input: {path: in.jsonl, format: openai}
        steps:
          - exact_dedup: {key: prompt}
          - fuzzy_dedup:
              key: answer
              bands: 100
              rows_per_band: 100
        output: {path: out, format: jsonl}
        """);
    Cli run = Cli.run("run", yaml.toString());
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).isEqualTo("error: " + yaml + ":4 steps[1].fuzzy_dedup: bands x rows "
        + "per band must be <= 4096, got 10000" + System.lineSeparator());
  }

  @Test
  void aDuplicateKeyIsRefusedNamingBothLines() throws Exception {
    Files.writeString(yaml, """
        input: {path: in.jsonl, format: openai}
        output: {path: out, format: jsonl}
        steps:
          - filter: {name: structure}
        output: {path: other, format: parquet}
        """);
    Cli run = Cli.run("run", yaml.toString());
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).isEqualTo("error: " + yaml + ":5 output: duplicate key 'output' "
        + "(first on line 2)" + System.lineSeparator());

    Files.writeString(yaml, """
        input: {path: in.jsonl, format: openai}
        steps:
          - fuzzy_dedup:
              key: answer
              threshold: 0.9
              threshold: 0.5
        output: {path: out, format: jsonl}
        """);
    run = Cli.run("run", yaml.toString());
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).isEqualTo("error: " + yaml + ":6 steps[0].fuzzy_dedup.threshold: "
        + "duplicate key 'threshold' (first on line 5)" + System.lineSeparator());
    assertThat(dir.resolve("out")).doesNotExist();
    assertThat(dir.resolve("other")).doesNotExist();
  }

  @Test
  void unknownKeysAreRefusedEverywhere() throws Exception {
    String[][] cases = {
        {"input: {path: in.jsonl, fromat: openai}\noutput: {path: out}\n",
            ":1 input.fromat: unknown key 'fromat'"},
        {"input: {path: in.jsonl}\noutput: {path: out, shard: 2}\n",
            ":2 output.shard: unknown key 'shard'"},
        {"input: {path: in.jsonl}\noutput: {path: out}\nkeep_droped: true\n",
            ":3 keep_droped: unknown key 'keep_droped'"},
        {"input: {path: in.jsonl}\nsteps:\n  - fuzzy_dedup:\n      key: answer\n"
            + "      treshold: 0.5\noutput: {path: out}\n",
            ":5 steps[0].fuzzy_dedup.treshold: unknown parameter 'treshold'"},
        {"input: {path: in.jsonl}\nsteps:\n  - filter: {name: length, max_char: 5}\n"
            + "output: {path: out}\n",
            ":3 steps[0].filter.max_char: unknown parameter 'max_char'"},
    };
    for (String[] c : cases) {
      Files.writeString(yaml, c[0]);
      Cli run = Cli.run("run", yaml.toString());
      assertThat(run.status()).as(c[0]).isEqualTo(1);
      assertThat(run.err()).as(c[0]).startsWith("error: " + yaml + c[1]).hasLineCount(1);
    }
  }

  @Test
  void stepsShowsEachRange() {
    Cli steps = Cli.run("steps");
    assertThat(steps.out()).containsPattern("threshold +double +default 0.8 .*\\(in \\(0, 1\\]\\)")
        .containsPattern("bands +int +default 14 .*\\(from 1 to 4096\\)");
  }
}
