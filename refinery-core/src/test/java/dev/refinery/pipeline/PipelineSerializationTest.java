package dev.refinery.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.TestData;
import dev.refinery.demo.SampleData;
import dev.refinery.filter.FilterType;
import dev.refinery.filter.FilterTypes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Steps must survive Java serialization: a Spark runner ships them to executors unchanged. */
class PipelineSerializationTest {
  @TempDir Path dir;

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

  @Test
  void everyStepOfTheExamplePipelineSerializes() throws Exception {
    Path testdata = TestData.root();
    SampleData.write(dir.resolve("in"), SampleData.Spec.of(20, 1));
    String yaml = Files.readString(Path.of("../examples/curate.yaml"))
        .replace("../refinery-demo/curated", dir.resolve("out").toString())
        .replace("../refinery-demo/data", dir.resolve("in").toString())
        .replace("../testdata", testdata.toString());
    Path file = dir.resolve("curate.yaml");
    Files.writeString(file, yaml);
    Pipeline pipeline = Pipeline.compile(PipelineSpec.read(file));
    assertThat(pipeline.steps()).hasSizeGreaterThanOrEqualTo(8);
    for (Object step : pipeline.steps()) {
      Object back = roundTrip(step);
      assertThat(back.getClass()).isEqualTo(step.getClass());
    }
  }

  @Test
  void everyFilterWithDefaultsSerializes() throws Exception {
    for (FilterType t : FilterTypes.all()) {
      // Required parameters get a value; the rest keep their defaults.
      java.util.Map<String, Object> given = new java.util.HashMap<>();
      t.params().stream().filter(p -> p.required()).forEach(p -> given.put(p.name(), "x"));
      Object filter = t.create(dev.refinery.filter.Params.resolve(t.params(), given, t.name()));
      assertThat(roundTrip(filter).getClass()).as(t.name()).isEqualTo(filter.getClass());
    }
  }
}
