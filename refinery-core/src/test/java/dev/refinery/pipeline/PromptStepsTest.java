package dev.refinery.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.refinery.dataset.RejectHandler;
import dev.refinery.dataset.SampleReader;
import dev.refinery.demo.SampleData;
import dev.refinery.format.Formats;
import dev.refinery.internal.Json;
import dev.refinery.io.Inputs;
import dev.refinery.run.Runner;
import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import dev.refinery.template.prompt.PromptTemplates;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptStepsTest {
  @TempDir Path dir;

  private PipelineSpec spec(String steps) {
    return PipelineSpec.parse("p.yaml", "input: {path: in/}\nsteps:\n" + steps
        + "output: {path: out/, format: jsonl}\n", dir);
  }

  private static Object compileOnly(PipelineSpec spec) {
    return StepTypes.compile(spec.steps().get(0), spec.baseDir());
  }

  @Test
  void badTemplatesFailBeforeWorkWithTheYamlLine() {
    assertThatThrownBy(() -> compileOnly(spec("""
          - filter: {name: structure}
        """.replace("filter: {name: structure}",
        "prompt_template: {category: math, template: \"Solve {question}\"}"))))
        .hasMessage("p.yaml:3 steps[0].prompt_template.template: unknown placeholder "
            + "'{question}'; use {prompt} or {problem} (write {{ and }} for literal braces)");
    assertThatThrownBy(() -> compileOnly(spec(
        "  - prompt_template: {category: math, template: \"Solve it.\"}\n")))
        .hasMessageStartingWith("p.yaml:3 steps[0].prompt_template.template: the template has "
            + "no {prompt} placeholder");
    assertThatThrownBy(() -> compileOnly(spec(
        "  - prompt_template: {category: math, tempalte: \"{prompt}\"}\n")))
        .hasMessageStartingWith("p.yaml:3 steps[0].prompt_template.tempalte: unknown "
            + "parameter 'tempalte'; valid: use, category, template, instruction, system");
    assertThatThrownBy(() -> compileOnly(spec("  - prompt_template: {use: maths}\n")))
        .hasMessageStartingWith("p.yaml:3 steps[0].prompt_template.use: 'maths' is not one of");
    assertThatThrownBy(() -> compileOnly(spec("  - prompt_template: {category: math}\n")))
        .hasMessage("p.yaml:3 steps[0].prompt_template: category 'math' needs 'template', "
            + "'instruction' or 'system'");
    assertThatThrownBy(() -> compileOnly(spec("  - prompt_template: {}\n")))
        .hasMessageStartingWith("p.yaml:3 steps[0].prompt_template: give 'use'");
    assertThatThrownBy(() -> compileOnly(spec("  - reasoning_toggle: {}\n")))
        .hasMessageStartingWith("p.yaml:3 steps[0].reasoning_toggle: parameter 'style' is "
            + "required");
    assertThatThrownBy(() -> compileOnly(spec("  - reasoning_toggle: {style: qwen}\n")))
        .hasMessage("p.yaml:3 steps[0].reasoning_toggle.style: 'qwen' is not one of "
            + "detailed_thinking, think");
  }

  @Test
  void theExamplePipelineTemplatesTogglesAndCountsOnDemoData() throws Exception {
    SampleData.write(dir.resolve("in"), SampleData.Spec.of(300, 5));
    String yaml = Files.readString(Path.of("../examples/prompts.yaml"))
        .replace("../refinery-demo/prompts", dir.resolve("out").toString())
        .replace("../refinery-demo/data", dir.resolve("in").toString());
    Path file = dir.resolve("prompts.yaml");
    Files.writeString(file, yaml);
    Pipeline pipeline = Pipeline.compile(PipelineSpec.read(file));
    for (Object step : pipeline.steps()) {
      assertThat(roundTrip(step).getClass()).isEqualTo(step.getClass());
    }
    Runner.Result r = Runner.local().run(pipeline,
        new Runner.Options(2, false, Runner.Progress.NONE));
    assertThat(r.conserved()).isTrue();
    assertThat(r.written()).isEqualTo(r.read() - r.rejected());
    assertThat(r.steps()).extracting(StepStats::name).containsExactly("prompt_template:auto",
        "prompt_template:tool_calling", "reasoning_toggle:detailed_thinking");
    StepStats auto = r.steps().get(0);
    long toolRows = r.steps().get(1).counted().getOrDefault("template_applied", 0L);
    assertThat(toolRows).isPositive();
    assertThat(auto.counted().get("no_template")).isEqualTo(toolRows);
    assertThat(auto.counted()).containsKeys("template_applied", "system_prompt_set");
    assertThat(r.steps().get(1).counted()).containsEntry("no_template", r.written() - toolRows);
    assertThat(r.steps().get(2).counted().values().stream().mapToLong(Long::longValue).sum())
        .isEqualTo(r.written());

    @SuppressWarnings("unchecked")
    Map<String, Object> stats = (Map<String, Object>) Json.parse(
        Files.readString(dir.resolve("out/stats.json")));
    @SuppressWarnings("unchecked")
    Map<String, Object> first = ((List<Map<String, Object>>) stats.get("steps")).get(0);
    assertThat(first).containsKey("counted");

    List<Sample> out = new ArrayList<>();
    try (SampleReader reader = SampleReader.open(Inputs.resolve(dir.resolve("out/data")
        .toString()), Formats.nemotron(), RejectHandler.FAIL)) {
      reader.forEachRemaining(out::add);
    }
    for (Sample s : out) {
      String system = s.messages().get(0).content();
      if (s.reasoningOn()) {
        assertThat(system).endsWith("detailed thinking on");
      } else if ("off".equals(s.reasoning())) {
        assertThat(system).endsWith("detailed thinking off");
      }
      if ("math".equals(s.category())) {
        assertThat(s.firstUserPrompt()).startsWith(PromptTemplates.MATH_INSTRUCTION);
      }
      if ("tool_calling".equals(s.category())) {
        assertThat(s.firstUserPrompt()).endsWith("\n\nCall a tool only when it is needed.");
      }
    }

    // Running the steps again over their own output changes nothing.
    Path again = dir.resolve("again.yaml");
    Files.writeString(again, Files.readString(Path.of("../examples/prompts.yaml"))
        .replace("../refinery-demo/prompts", dir.resolve("out2").toString())
        .replace("../refinery-demo/data", dir.resolve("out/data").toString()));
    Runner.Result r2 = Runner.local().run(Pipeline.compile(PipelineSpec.read(again)),
        new Runner.Options(2, false, Runner.Progress.NONE));
    for (StepStats s : r2.steps()) {
      assertThat(s.counted()).as(s.name())
          .doesNotContainKeys("template_applied", "system_prompt_set", "toggle_set",
              "toggle_replaced");
    }
  }

  @Test
  void aStepMapsSamplesAndCountsThroughItsContext() {
    MapStep step = (MapStep) compileOnly(spec(
        "  - prompt_template: {category: all, instruction: \"Answer briefly.\"}\n"));
    List<String> counted = new ArrayList<>();
    StepContext context = new StepContext() {
      @Override
      public int partition() {
        return 0;
      }

      @Override
      public long seed() {
        return 0;
      }

      @Override
      public void drop(Sample sample, String reason, String detail) {
        throw new AssertionError("a prompt step never drops");
      }

      @Override
      public void count(String what) {
        counted.add(what);
      }
    };
    Sample s = Sample.builder().uuid("u").category("chat")
        .messages(List.of(Message.of("user", "hi"), Message.of("assistant", "hello"))).build();
    List<Sample> out = new ArrayList<>();
    step.apply(List.of(s).iterator(), context).forEachRemaining(out::add);
    assertThat(out).singleElement().extracting(Sample::firstUserPrompt)
        .isEqualTo("Answer briefly.\n\nhi");
    assertThat(counted).containsExactly("template_applied");
  }

  private static Object roundTrip(Object o) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(o);
    }
    try (ObjectInputStream in = new ObjectInputStream(
        new ByteArrayInputStream(bytes.toByteArray()))) {
      return in.readObject();
    }
  }
}
