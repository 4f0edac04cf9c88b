package dev.refinery.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.refinery.RefineryException;
import dev.refinery.dataset.SampleReader;
import dev.refinery.dataset.SampleWriter;
import dev.refinery.format.Formats;
import dev.refinery.internal.Errors;
import dev.refinery.internal.IoErrors;
import dev.refinery.internal.Json;
import dev.refinery.internal.TextCheck;
import dev.refinery.io.ClosingOutputFile;
import dev.refinery.io.ParquetFiles;
import dev.refinery.io.RowSchemaMismatchException;
import dev.refinery.sample.Message;
import dev.refinery.sample.RowId;
import dev.refinery.sample.Sample;
import dev.refinery.sample.ToolCall;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.Dictionary;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.io.api.RecordMaterializer;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

/**
 * The files a run keeps between its stages: Parquet with the Nemotron v1 fields as columns and
 * each row's {@link RowId} beside them, so a later stage decides by the same ids the first one
 * read. Samples are written and read as they are, without the record maps of dataset files.
 *
 * <p>The id is two INT64 columns, {@code source} and {@code derivation}: plain numbers that any
 * Parquet reader shows, whose row group statistics bound the ids a group holds (files are in id
 * order), and that compress to little in id order. Stage files are internal, so the columns a
 * schema cannot fix are JSON text: the extra columns of a row (imported rows carry ones of any
 * type), of a message and of tool calls. The JSON is the one dataset files use, so a stage file
 * gives back exactly what JSON Lines stage files did.
 */
public final class StageFiles {
  /** The name a stage file's partition output has. */
  public static final String SUFFIX = ".parquet";

  static final String SOURCE = "__refinery_row_source";
  static final String DERIVATION = "__refinery_row_derivation";

  /**
   * Chosen by writing and reading back the demo dataset's 1,000,000 rows as one stage file (CPU
   * seconds of the one thread, write + read): snappy 9.8 + 3.0 s, 613 MB; zstd (level 3) 13.4 +
   * 3.3 s, 402 MB; none 8.9 + 2.4 s, 1,663 MB; the JSON Lines stage files before them 28.1 +
   * 13.1 s, 411 MB. Stage files are written once and read once or twice: snappy costs little more
   * time than none at a third of its bytes.
   */
  static final CompressionCodecName CODEC = CompressionCodecName.SNAPPY;

  /**
   * A writer buffers a row group in memory and a reader reads one whole: small, because those
   * bytes live as long as it takes a worker to fill or use up a group, long enough to survive
   * young collections, and G1 grows the heap to make room for them. The curate example on 1M
   * rows at -Xmx1g, 2 workers: 747-957 MB peak RSS with 8 MB groups (7 runs), 539-713 MB with
   * 1 MB (5 runs); the exact_dedup benchmark took as long (1M rows: 8.43 and 7.70 s against 8.67
   * and 8.28 s).
   */
  static final long ROW_GROUP_BYTES = 1024 * 1024;

  /**
   * Pages a reader decompresses into arrays below G1's humongous threshold (512 KB at the smallest
   * region): at parquet-java's 1 MB every page of text read back was a humongous allocation.
   */
  static final int PAGE_BYTES = 256 * 1024;

  static final MessageType SCHEMA = MessageTypeParser.parseMessageType("""
      message refinery_stage {
        optional int64 %s;
        optional int64 %s;
        optional binary uuid (STRING);
        optional binary license (STRING);
        optional binary generator (STRING);
        optional binary version (STRING);
        optional binary category (STRING);
        optional binary reasoning (STRING);
        repeated group messages {
          required binary role (STRING);
          optional binary content (STRING);
          optional binary tool_calls (JSON);
          optional binary extra (JSON);
        }
        optional binary metadata (STRING);
        optional binary extra (JSON);
      }
      """.formatted(SOURCE, DERIVATION));

  private static final String[] STRINGS = {"uuid", "license", "generator", "version", "category",
      "reasoning"};
  private static final int MESSAGES = 8;
  private static final int METADATA = 9;
  private static final int EXTRA = 10;

  private StageFiles() {}

  /** A writer of one stage file, under its final name only when closed. */
  public static SampleWriter writer(Path file) {
    return SampleWriter.create(file, temp -> new Writer(temp, CODEC, ROW_GROUP_BYTES));
  }

  /** Reads a stage file, rows with the ids they were written with. */
  public static SampleReader reader(Path file) {
    Reader reader = new Reader(file);
    return SampleReader.of(reader, reader);
  }

  // ---- Writing ----

  /** Writes samples as stage rows; a sample that cannot be stored is refused whole. */
  static final class Writer implements SampleWriter.Sink {
    /** Columns of free text: written plain, without statistics. */
    private static final List<String> FREE_TEXT = List.of("uuid", "messages.content",
        "messages.tool_calls", "messages.extra", "metadata", "extra");
    private final ParquetWriter<Row> out;
    private final ClosingOutputFile target;

    Writer(Path file, CompressionCodecName codec, long rowGroupBytes) throws IOException {
      target = new ClosingOutputFile(file);
      Builder builder = new Builder(target)
          .withConf(new PlainParquetConfiguration())
          .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
          .withCompressionCodec(codec)
          .withRowGroupSize(rowGroupBytes)
          .withPageSize(PAGE_BYTES)
          .withDictionaryEncoding(true)
          .withValidation(false);
      // Long, nearly unique text gains nothing from a dictionary or min/max statistics, and
      // hashing it for them was the largest cost of writing a stage file (JFR, 1M-row dedup).
      for (String column : FREE_TEXT) {
        builder.withDictionaryEncoding(column, false).withStatisticsEnabled(column, false);
      }
      this.out = builder.build();
    }

    @Override
    public void write(Sample sample) throws IOException {
      out.write(new Row(sample));
    }

    @Override
    public void close() throws IOException {
      try {
        out.close();
      } finally {
        target.closeStream();
      }
    }
  }

  /**
   * A sample with the JSON text of its irregular parts, made before anything is written so that a
   * sample that cannot be stored leaves the file as it was.
   */
  private static final class Row {
    final Sample sample;
    final String[] toolCalls;
    final String[] messageExtras;
    final String extra;

    Row(Sample sample) {
      this.sample = sample;
      List<Message> messages = sample.messages();
      this.toolCalls = new String[messages.size()];
      this.messageExtras = new String[messages.size()];
      boolean unpaired = unpaired(sample.uuid()) || unpaired(sample.license())
          || unpaired(sample.generator()) || unpaired(sample.version())
          || unpaired(sample.category()) || unpaired(sample.reasoning())
          || unpaired(sample.metadata());
      for (int i = 0; i < messages.size(); i++) {
        Message m = messages.get(i);
        unpaired |= unpaired(m.role()) || unpaired(m.content());
        toolCalls[i] = m.toolCalls() == null ? null : Json.write(toolCalls(m.toolCalls()));
        messageExtras[i] = m.extra().isEmpty() ? null : Json.write(m.extra());
        unpaired |= unpaired(toolCalls[i]) || unpaired(messageExtras[i]);
      }
      this.extra = sample.extra().isEmpty() ? null : Json.write(sample.extra());
      unpaired |= unpaired(extra);
      if (unpaired) {
        // As the JSON Lines writer says it: the record as a dataset file would hold it.
        throw new RowSchemaMismatchException("the record holds an unpaired surrogate "
            + TextCheck.unpairedSurrogate(Formats.nemotron().encode(sample))
            + ", which UTF-8 cannot store");
      }
    }

    private static boolean unpaired(String s) {
      return s != null && TextCheck.unpaired(s) >= 0;
    }
  }

  private static List<Object> toolCalls(List<ToolCall> calls) {
    List<Object> out = new ArrayList<>(calls.size());
    for (ToolCall c : calls) {
      Map<String, Object> call = new LinkedHashMap<>();
      call.put("id", c.id());
      call.put("type", c.type());
      if (c.function() != null) {
        Map<String, Object> fn = new LinkedHashMap<>();
        fn.put("name", c.function().name());
        fn.put("arguments", c.function().arguments());
        if (!c.function().extra().isEmpty()) {
          fn.put("extra", c.function().extra());
        }
        call.put("function", fn);
      }
      if (!c.extra().isEmpty()) {
        call.put("extra", c.extra());
      }
      out.add(call);
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static List<ToolCall> toolCalls(Object json) {
    List<Object> list = (List<Object>) json;
    List<ToolCall> calls = new ArrayList<>(list.size());
    for (Object o : list) {
      Map<String, Object> call = (Map<String, Object>) o;
      Map<String, Object> fn = (Map<String, Object>) call.get("function");
      ToolCall.Function function = fn == null ? null : new ToolCall.Function(
          (String) fn.get("name"), (String) fn.get("arguments"),
          (Map<String, Object>) fn.get("extra"));
      calls.add(new ToolCall((String) call.get("id"), (String) call.get("type"), function,
          (Map<String, Object>) call.get("extra")));
    }
    return calls;
  }

  private static final class Builder extends ParquetWriter.Builder<Row, Builder> {
    Builder(org.apache.parquet.io.OutputFile file) {
      super(file);
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    protected WriteSupport<Row> getWriteSupport(Configuration conf) {
      return new RowWriteSupport();
    }

    @Override
    protected WriteSupport<Row> getWriteSupport(ParquetConfiguration conf) {
      return new RowWriteSupport();
    }
  }

  private static final class RowWriteSupport extends WriteSupport<Row> {
    private RecordConsumer rc;

    @Override
    public WriteContext init(Configuration configuration) {
      return new WriteContext(SCHEMA, Map.of());
    }

    @Override
    public WriteContext init(ParquetConfiguration configuration) {
      return new WriteContext(SCHEMA, Map.of());
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
      this.rc = recordConsumer;
    }

    @Override
    public void write(Row row) {
      Sample s = row.sample;
      rc.startMessage();
      if (s.id() != null) {
        rc.startField(SOURCE, 0);
        rc.addLong(s.id().source());
        rc.endField(SOURCE, 0);
        rc.startField(DERIVATION, 1);
        rc.addLong(s.id().derivation());
        rc.endField(DERIVATION, 1);
      }
      string("uuid", 2, s.uuid());
      string("license", 3, s.license());
      string("generator", 4, s.generator());
      string("version", 5, s.version());
      string("category", 6, s.category());
      string("reasoning", 7, s.reasoning());
      List<Message> messages = s.messages();
      if (!messages.isEmpty()) {
        rc.startField("messages", MESSAGES);
        for (int i = 0; i < messages.size(); i++) {
          Message m = messages.get(i);
          rc.startGroup();
          string("role", 0, m.role());
          string("content", 1, m.content());
          string("tool_calls", 2, row.toolCalls[i]);
          string("extra", 3, row.messageExtras[i]);
          rc.endGroup();
        }
        rc.endField("messages", MESSAGES);
      }
      string("metadata", METADATA, s.metadata());
      string("extra", EXTRA, row.extra);
      rc.endMessage();
    }

    private void string(String name, int index, String value) {
      if (value != null) {
        rc.startField(name, index);
        rc.addBinary(Binary.fromString(value));
        rc.endField(name, index);
      }
    }
  }

  // ---- Reading ----

  /** Streams a stage file's samples, one row group in memory at a time. */
  static final class Reader implements Iterator<Sample>, Closeable {
    private final Path file;
    private final ParquetFileReader in;
    private final MessageColumnIO columns;
    private final SampleMaterializer materializer = new SampleMaterializer();
    private RecordReader<Sample> records;
    private long left;
    private Sample next;

    Reader(Path file) {
      this.file = file;
      try {
        this.in = ParquetFiles.open(file);
      } catch (RefineryException e) {
        throw new RefineryException("cannot read the stage file " + e.getMessage(), e);
      } catch (IOException | RuntimeException e) {
        throw new RefineryException(file + ": cannot read the stage file: "
            + Errors.firstLine(e), e);
      }
      MessageType schema = in.getFooter().getFileMetaData().getSchema();
      if (!schema.equals(SCHEMA)) {
        close();
        throw new RefineryException(file + ": not a stage file of this version of Refinery "
            + "(its schema differs); start the run again without --resume");
      }
      this.columns = new ColumnIOFactory(false).getColumnIO(SCHEMA);
    }

    @Override
    public boolean hasNext() {
      if (next != null) {
        return true;
      }
      try {
        while (left == 0) {
          PageReadStore pages = in.readNextRowGroup();
          if (pages == null) {
            return false;
          }
          left = pages.getRowCount();
          records = columns.getRecordReader(pages, materializer);
        }
        next = records.read();
        left--;
        return true;
      } catch (IOException e) {
        throw new RefineryException(file + ": cannot read: " + IoErrors.reason(e), e);
      } catch (RuntimeException e) {
        if (e instanceof RefineryException) {
          throw e;
        }
        throw new RefineryException(file + ": cannot read the stage file: "
            + Errors.firstLine(e), e);
      }
    }

    @Override
    public Sample next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Sample s = next;
      next = null;
      return s;
    }

    @Override
    public void close() {
      try {
        in.close();
      } catch (IOException e) {
        throw new RefineryException(file + ": cannot close: " + IoErrors.reason(e), e);
      }
    }
  }

  private static final class SampleMaterializer extends RecordMaterializer<Sample> {
    private final RootConverter root = new RootConverter();

    @Override
    public Sample getCurrentRecord() {
      return root.sample;
    }

    @Override
    public GroupConverter getRootConverter() {
      return root;
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(String json) {
    return json == null ? null : (Map<String, Object>) parse(json);
  }

  private static Object parse(String json) {
    try {
      return Json.parse(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("bad JSON in a stage file column: " + e.getOriginalMessage());
    }
  }

  private static final class RootConverter extends GroupConverter {
    private final Converter[] fields = new Converter[SCHEMA.getFieldCount()];
    private final StringColumn[] strings = new StringColumn[STRINGS.length];
    private final LongColumn source = new LongColumn();
    private final LongColumn derivation = new LongColumn();
    private final MessageConverter message = new MessageConverter(this);
    private final StringColumn metadata = new StringColumn();
    private final StringColumn extra = new StringColumn();
    private List<Message> messages;
    Sample sample;

    RootConverter() {
      fields[0] = source;
      fields[1] = derivation;
      for (int i = 0; i < strings.length; i++) {
        strings[i] = new StringColumn();
        fields[2 + i] = strings[i];
      }
      fields[MESSAGES] = message;
      fields[METADATA] = metadata;
      fields[EXTRA] = extra;
    }

    @Override
    public Converter getConverter(int fieldIndex) {
      return fields[fieldIndex];
    }

    @Override
    public void start() {
      source.set = false;
      derivation.set = false;
      for (StringColumn s : strings) {
        s.value = null;
      }
      metadata.value = null;
      extra.value = null;
      messages = new ArrayList<>();
    }

    @Override
    public void end() {
      sample = new Sample(strings[0].value, strings[1].value, strings[2].value, strings[3].value,
          strings[4].value, strings[5].value, messages, metadata.value, object(extra.value),
          source.set ? new RowId(source.value, derivation.value) : null);
    }
  }

  private static final class MessageConverter extends GroupConverter {
    private final RootConverter root;
    private final StringColumn role = new StringColumn();
    private final StringColumn content = new StringColumn();
    private final StringColumn toolCalls = new StringColumn();
    private final StringColumn extra = new StringColumn();
    private final Converter[] fields = {role, content, toolCalls, extra};

    MessageConverter(RootConverter root) {
      this.root = root;
    }

    @Override
    public Converter getConverter(int fieldIndex) {
      return fields[fieldIndex];
    }

    @Override
    public void start() {
      role.value = null;
      content.value = null;
      toolCalls.value = null;
      extra.value = null;
    }

    @Override
    public void end() {
      root.messages.add(new Message(role.value, content.value,
          toolCalls.value == null ? null : toolCalls(parse(toolCalls.value)),
          object(extra.value)));
    }
  }

  private static final class LongColumn extends PrimitiveConverter {
    long value;
    boolean set;

    @Override
    public void addLong(long v) {
      value = v;
      set = true;
    }
  }

  /** A string column; dictionary values (roles, licenses, categories) are decoded once. */
  private static final class StringColumn extends PrimitiveConverter {
    String value;
    private Dictionary dictionary;
    private String[] decoded;

    @Override
    public boolean hasDictionarySupport() {
      return true;
    }

    @Override
    public void setDictionary(Dictionary dictionary) {
      this.dictionary = dictionary;
      this.decoded = new String[dictionary.getMaxId() + 1];
    }

    @Override
    public void addValueFromDictionary(int id) {
      String s = decoded[id];
      if (s == null) {
        s = dictionary.decodeToBinary(id).toStringUsingUTF8();
        decoded[id] = s;
      }
      value = s;
    }

    @Override
    public void addBinary(Binary v) {
      value = v.toStringUsingUTF8();
    }
  }
}
