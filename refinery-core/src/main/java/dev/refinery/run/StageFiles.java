package dev.refinery.run;

import dev.refinery.dataset.RejectHandler;
import dev.refinery.dataset.SampleReader;
import dev.refinery.dataset.SampleWriter;
import dev.refinery.format.Format;
import dev.refinery.format.Formats;
import dev.refinery.io.FileKind;
import dev.refinery.io.InputFile;
import dev.refinery.sample.RowId;
import dev.refinery.sample.Sample;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The files a run keeps between its stages: rows in the Nemotron v1 schema with each row's
 * {@link RowId} beside them, so a later stage decides by the same ids the first one read.
 */
public final class StageFiles {
  /** The column holding the row id in a stage file; stripped again when the file is read. */
  static final String ID_COLUMN = "__refinery_row_id";

  private static final Format FORMAT = new IdFormat(Formats.nemotron());

  private StageFiles() {}

  /** A writer of one stage file, under its final name only when closed. */
  public static SampleWriter writer(Path file) {
    return SampleWriter.create(file, FORMAT);
  }

  /** Reads a stage file, rows with the ids they were written with. */
  public static SampleReader reader(Path file) {
    return SampleReader.open(new InputFile(file, null, FileKind.JSONL), FORMAT,
        RejectHandler.FAIL);
  }

  /** Nemotron v1 plus the id column. */
  private record IdFormat(Format rows) implements Format {
    @Override
    public String name() {
      return "stage";
    }

    @Override
    public Sample decode(Map<String, Object> row) {
      Object id = row.get(ID_COLUMN);
      Map<String, Object> fields = row;
      if (id != null) {
        fields = new LinkedHashMap<>(row);
        fields.remove(ID_COLUMN);
      }
      Sample sample = rows.decode(fields);
      return id == null ? sample : sample.withId(RowId.parse(id.toString()));
    }

    @Override
    public Map<String, Object> encode(Sample sample) {
      Map<String, Object> row = rows.encode(sample);
      if (sample.id() == null) {
        return row;
      }
      Map<String, Object> withId = new LinkedHashMap<>(row);
      withId.put(ID_COLUMN, sample.id().toString());
      return withId;
    }
  }
}
