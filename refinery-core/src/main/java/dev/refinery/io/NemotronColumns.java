package dev.refinery.io;

import dev.refinery.internal.Utf8;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.parquet.VersionParser;
import org.apache.parquet.bytes.ByteBufferInputStream;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.ValuesType;
import org.apache.parquet.column.impl.ColumnReaderImpl;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.schema.MessageType;

/**
 * Reads a Parquet file in exactly the {@link NemotronParquetSchema#V1} layout column by column,
 * for what {@code refinery stats} counts, without assembling rows: per row the five label
 * columns, the number of messages and tool calls, and the UTF-8 bytes of the first user turn and
 * the last assistant turn, in place. Record assembly, a map per row and message and a String per
 * text were most of {@code stats}' time.
 *
 * <p>A row group is scanned only when every row in it is one {@link ParquetRowReader} reads fine
 * and the Nemotron format decodes: every string column valid UTF-8 (the text ones are checked
 * without being used), messages not null, no null message or tool call, every role a non-empty
 * string. Otherwise, or when the group cannot be decoded, {@link #scan} says so and the caller
 * reads that row group the usual way, which rejects, counts and reports exactly as before.
 */
public final class NemotronColumns implements Closeable {
  /** What a stats pass takes of one row. */
  public interface Rows {
    /**
     * The content of the first user turn ({@code last} false) or of the last assistant turn
     * ({@code last} true) of the row being read, when it has such a turn with content: a view
     * valid only during the call (its bytes are reused after), and not yet checked: the callee
     * checks it as it measures it, in one pass, and returns false when it is not valid UTF-8
     * ({@link dev.refinery.internal.Utf8#isValid}).
     */
    boolean text(boolean last, Text text);

    /** The row, after {@link #text} for its turns. */
    void row(String license, String generator, String version, String category,
        String reasoning, int turns, int toolCalls);
  }

  /** Bytes {@code [from, to)} of {@code bytes}, in place. */
  public static final class Text {
    byte[] bytes;
    int from;
    int to;

    public byte[] bytes() {
      return bytes;
    }

    public int from() {
      return from;
    }

    public int to() {
      return to;
    }
  }

  private static final String[] LABELS = {"license", "generator", "version", "category",
      "reasoning"};
  private static final String[] CHECKED = {"uuid", "metadata"};
  private static final String[] CONTENT = {"messages", "list", "element", "content"};
  private static final String[] CALL = {"messages", "list", "element", "tool_calls", "list",
      "element"};
  private static final byte[] USER = "user".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ASSISTANT = "assistant".getBytes(StandardCharsets.US_ASCII);

  private final ParquetFileReader reader;
  private final List<BlockMetaData> rowGroups;
  private final VersionParser.ParsedVersion writer;
  private final MessageType schema;

  private NemotronColumns(ParquetFileReader reader) {
    this.reader = reader;
    this.rowGroups = reader.getRowGroups();
    this.schema = reader.getFooter().getFileMetaData().getSchema();
    VersionParser.ParsedVersion parsed;
    try {
      parsed = VersionParser.parse(reader.getFooter().getFileMetaData().getCreatedBy());
    } catch (Exception e) {
      parsed = null; // as parquet-java's own ColumnReadStoreImpl does
    }
    this.writer = parsed;
  }

  /**
   * A column reader over {@code file}, or null when it is not a Parquet file of exactly that
   * schema or cannot be opened (the usual reader then reads it, and reports what is wrong).
   */
  public static NemotronColumns open(InputFile file) {
    if (file.kind() != FileKind.PARQUET) {
      return null;
    }
    ParquetFileReader reader;
    try {
      // Nothing read here outlives the row group it came from: its buffers can be lent again.
      reader = ParquetRowReader.open(file.path(), true);
    } catch (IOException | RuntimeException e) {
      return null;
    }
    if (!NemotronParquetSchema.V1.equals(reader.getFooter().getFileMetaData().getSchema())) {
      try {
        reader.close();
      } catch (IOException ignored) {
        // Only read from.
      }
      return null;
    }
    return new NemotronColumns(reader);
  }

  public int rowGroupCount() {
    return rowGroups.size();
  }

  /**
   * Passes every row of row group {@code g} to {@code rows}, in order, and returns true; or returns
   * false, maybe after passing some rows, when the row group holds a row the usual reader would
   * reject or cannot be decoded. {@code rows} must then forget what it was given.
   */
  public boolean scan(int g, Rows rows) {
    return scan(g, rows, false);
  }

  /**
   * {@link #scan(int, Rows)}, with the text column's pages read and decompressed ahead on a
   * thread of its own when {@code readAhead} ({@link PagesAhead}): decompressing them is about
   * half the work, so a second core takes it while this one measures.
   */
  public boolean scan(int g, Rows rows, boolean readAhead) {
    BlockMetaData group = rowGroups.get(g);
    if (group.getRowCount() == 0) {
      return true;
    }
    long held;
    try {
      held = RowGroupBudget.SHARED.acquire(group.getCompressedSize());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    PageReadStore pages = null;
    PagesAhead ahead = null;
    try {
      pages = reader.readRowGroup(g);
      if (readAhead) {
        ahead = new PagesAhead(pages.getPageReader(schema.getColumnDescription(CONTENT)));
      }
      return scan(pages, ahead, rows);
    } catch (IOException | RuntimeException e) {
      return false;
    } finally {
      if (ahead != null) {
        ahead.close();
      }
      if (pages != null) {
        try {
          pages.close();
        } catch (Exception ignored) {
          // Only frees buffers.
        }
      }
      RowGroupBudget.SHARED.release(held);
    }
  }

  private ColumnReaderImpl column(PageReadStore pages, String... path) {
    ColumnDescriptor d = schema.getColumnDescription(path);
    return new ColumnReaderImpl(d, pages.getPageReader(d), NO_CONVERTER, writer);
  }

  private static final PrimitiveConverter NO_CONVERTER = new PrimitiveConverter() { };

  private boolean scan(PageReadStore pages, PageReader contentPages, Rows rows) {
    long n = pages.getRowCount();
    for (String c : CHECKED) {
      if (!allValid(pages, c)) {
        return false;
      }
    }
    for (String leaf : new String[] {"type", "function.name", "function.arguments"}) {
      String[] path = concat(CALL, leaf.split("\\."));
      if (!allValid(pages, path)) {
        return false;
      }
    }
    ColumnReaderImpl[] labels = new ColumnReaderImpl[LABELS.length];
    Labels[] decoded = new Labels[LABELS.length];
    for (int i = 0; i < LABELS.length; i++) {
      labels[i] = column(pages, LABELS[i]);
      decoded[i] = new Labels();
    }
    ColumnReaderImpl roles = column(pages, "messages", "list", "element", "role");
    ColumnReaderImpl contents = contentPages == null ? column(pages, CONTENT)
        : new ColumnReaderImpl(schema.getColumnDescription(CONTENT), contentPages, NO_CONVERTER,
            writer);
    ColumnReaderImpl calls = column(pages, concat(CALL, new String[] {"id"}));
    Cursor role = new Cursor(roles);
    Cursor content = new Cursor(contents);
    Cursor call = new Cursor(calls);
    String[] label = new String[LABELS.length];
    for (long r = 0; r < n; r++) {
      for (int i = 0; i < labels.length; i++) {
        ColumnReaderImpl c = labels[i];
        if (c.getCurrentDefinitionLevel() == 1) {
          String s = decoded[i].of(c.getBinary());
          if (s == null) {
            return false;
          }
          label[i] = s;
        } else {
          label[i] = null;
        }
        c.consume();
      }
      // Roles: which turn is the first user one and which the last assistant one.
      int turns = 0;
      int firstUser = -1;
      int lastAssistant = -1;
      int d = role.startRow();
      if (d == 0) {
        return false; // messages is null
      }
      if (d == 1) {
        role.next(); // an empty list
      } else {
        do {
          if (d != 4) {
            return false; // a null message, or one without a role
          }
          Binary b = roles.getBinary();
          int kind = roleKind(b);
          if (kind < 0) {
            return false;
          }
          if (kind == 1 && firstUser < 0) {
            firstUser = turns;
          } else if (kind == 2) {
            lastAssistant = turns;
          }
          turns++;
          role.next();
        } while ((d = role.continueRow()) >= 0);
      }
      // Contents: the two measured, every other one checked.
      int at = 0;
      d = content.startRow();
      if (turns == 0) {
        if (d > 1) {
          throw new IllegalStateException("messages and contents disagree");
        }
        content.next();
      } else {
        do {
          if (d < 3 || at >= turns) {
            throw new IllegalStateException("messages and contents disagree");
          }
          if (d == 4) {
            boolean ok = at == firstUser ? rows.text(false, view(contents.getBinary(), scratch))
                : at == lastAssistant ? rows.text(true, view(contents.getBinary(), scratch))
                : valid(contents.getBinary());
            if (!ok) {
              return false;
            }
          }
          at++;
          content.next();
        } while ((d = content.continueRow()) >= 0);
        if (at != turns) {
          throw new IllegalStateException("messages and contents disagree");
        }
      }
      // Tool calls: entries below a message's tool_calls list, each checked.
      int toolCalls = 0;
      d = call.startRow();
      do {
        if (d == 5) {
          return false; // a null tool call
        }
        if (d >= 6) {
          toolCalls++;
          if (d == 7 && !valid(calls.getBinary())) {
            return false;
          }
        }
        call.next();
      } while ((d = call.continueRow()) >= 0);
      rows.row(label[0], label[1], label[2], label[3], label[4], turns, toolCalls);
    }
    if (role.left() != 0 || content.left() != 0 || call.left() != 0) {
      throw new IllegalStateException("columns hold more values than rows");
    }
    return true;
  }

  private final Text scratch = new Text();

  /**
   * Walks a nested column's values row by row: {@link #startRow} at a row's first value, then
   * {@link #continueRow} until it returns -1 at the next row's first value or the end.
   */
  private static final class Cursor {
    private final ColumnReaderImpl reader;
    private long left;

    Cursor(ColumnReaderImpl reader) {
      this.reader = reader;
      this.left = reader.getTotalValueCount();
    }

    /** The definition level of the row's first value. */
    int startRow() {
      if (left <= 0 || reader.getCurrentRepetitionLevel() != 0) {
        throw new IllegalStateException("a row does not start here");
      }
      return reader.getCurrentDefinitionLevel();
    }

    void next() {
      reader.consume();
      left--;
    }

    /** The definition level of the row's next value, or -1 when the row has no more. */
    int continueRow() {
      if (left <= 0 || reader.getCurrentRepetitionLevel() == 0) {
        return -1;
      }
      return reader.getCurrentDefinitionLevel();
    }

    long left() {
      return left;
    }
  }

  /** 1 for "user", 2 for "assistant", 0 for another role, -1 for an empty or invalid one. */
  private static int roleKind(Binary b) {
    ByteBuffer bb = b.toByteBuffer();
    int len = bb.remaining();
    if (len == 0) {
      return -1;
    }
    if (bb.hasArray()) {
      byte[] a = bb.array();
      int from = bb.arrayOffset() + bb.position();
      if (equal(a, from, len, USER)) {
        return 1;
      }
      if (equal(a, from, len, ASSISTANT)) {
        return 2;
      }
      return Utf8.isValid(a, from, from + len) ? 0 : -1;
    }
    byte[] a = new byte[len];
    bb.duplicate().get(a);
    return roleKind(Binary.fromConstantByteArray(a));
  }

  private static boolean equal(byte[] a, int from, int len, byte[] word) {
    if (len != word.length) {
      return false;
    }
    for (int i = 0; i < len; i++) {
      if (a[from + i] != word[i]) {
        return false;
      }
    }
    return true;
  }

  private Text view(Binary b, Text into) {
    ByteBuffer bb = b.toByteBuffer();
    if (bb.hasArray()) {
      into.bytes = bb.array();
      into.from = bb.arrayOffset() + bb.position();
    } else {
      into.bytes = new byte[bb.remaining()];
      bb.duplicate().get(into.bytes);
      into.from = 0;
    }
    into.to = into.from + bb.remaining();
    return into;
  }

  private boolean valid(Binary b) {
    Text t = view(b, scratch);
    return Utf8.isValid(t.bytes, t.from, t.to);
  }

  /**
   * A label column's Strings, each distinct value decoded once. A dictionary-encoded page hands
   * out the same Binary for the same entry, and a label has a handful of values: most rows are
   * found by reference among the last few, without hashing.
   */
  private static final class Labels {
    private static final int RECENT = 16;
    private final Binary[] recent = new Binary[RECENT];
    private final String[] recentStrings = new String[RECENT];
    private int next;
    private final Map<Binary, String> byValue = new HashMap<>();

    /** The value's String; null when it is not valid UTF-8. */
    String of(Binary b) {
      for (int i = 0; i < RECENT; i++) {
        if (recent[i] == b) {
          return recentStrings[i];
        }
      }
      String s = byValue.get(b);
      if (s == null) {
        byte[] bytes = b.getBytes();
        if (!Utf8.isValid(bytes, 0, bytes.length)) {
          return null;
        }
        s = new String(bytes, StandardCharsets.UTF_8);
        byValue.put(Binary.fromConstantByteArray(bytes), s);
      }
      recent[next] = b;
      recentStrings[next] = s;
      next = (next + 1) % RECENT;
      return s;
    }
  }

  /** Whether every value of a column is valid UTF-8, the same dictionary entry checked once. */
  /**
   * Whether every value of a column that is only checked is valid UTF-8: at once when its pages'
   * values are plain ASCII bytes (uuids, most metadata and tool calls), else value by value.
   */
  private boolean allValid(PageReadStore pages, String... path) {
    ColumnDescriptor d = schema.getColumnDescription(path);
    PageReader pageReader = pages.getPageReader(d);
    List<DataPage> read = new ArrayList<>();
    DictionaryPage dictionary;
    boolean ascii;
    try {
      // Copies: a page's bytes may be a stream that can be read once (codecs other than ZSTD),
      // and they are looked at here and maybe again value by value.
      DictionaryPage raw = pageReader.readDictionaryPage();
      dictionary = raw == null ? null : raw.copy();
      ascii = dictionary == null || isAscii(dictionary.getBytes().toByteBuffer(), 0);
      DataPage page;
      while ((page = pageReader.readPage()) != null) {
        if (page instanceof DataPageV1 v1) {
          page = new DataPageV1(BytesInput.copy(v1.getBytes()), v1.getValueCount(),
              v1.getUncompressedSize(), v1.getStatistics(), v1.getRlEncoding(),
              v1.getDlEncoding(), v1.getValueEncoding());
        }
        read.add(page);
        ascii = ascii && plainAsciiOrDictionary(d, page);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    if (ascii) {
      return true;
    }
    PageReader again = new PageReader() {
      private int next;

      @Override
      public DictionaryPage readDictionaryPage() {
        return dictionary;
      }

      @Override
      public long getTotalValueCount() {
        return pageReader.getTotalValueCount();
      }

      @Override
      public DataPage readPage() {
        return next < read.size() ? read.get(next++) : null;
      }
    };
    return allValid(new ColumnReaderImpl(d, again, NO_CONVERTER, writer));
  }

  /**
   * Whether a v1 data page's values are dictionary ids (checked with the dictionary) or PLAIN
   * strings whose bytes, length prefixes included, are all ASCII: then each one is. The values
   * start where parquet-java's own level readers stop.
   */
  private static boolean plainAsciiOrDictionary(ColumnDescriptor d, DataPage page)
      throws IOException {
    if (!(page instanceof DataPageV1 v1)) {
      return false;
    }
    if (v1.getValueEncoding().usesDictionary()) {
      return true;
    }
    if (v1.getValueEncoding() != Encoding.PLAIN) {
      return false;
    }
    ByteBuffer bytes = v1.getBytes().toByteBuffer();
    ByteBufferInputStream in = ByteBufferInputStream.wrap(bytes.duplicate());
    v1.getRlEncoding().getValuesReader(d, ValuesType.REPETITION_LEVEL)
        .initFromPage(v1.getValueCount(), in);
    v1.getDlEncoding().getValuesReader(d, ValuesType.DEFINITION_LEVEL)
        .initFromPage(v1.getValueCount(), in);
    return isAscii(bytes, (int) in.position());
  }

  /** Whether the buffer's bytes from {@code skip} past its position on are all below 0x80. */
  private static boolean isAscii(ByteBuffer b, int skip) {
    if (!b.hasArray()) {
      return false;
    }
    int from = b.arrayOffset() + b.position() + skip;
    int to = b.arrayOffset() + b.limit();
    return from <= to && Utf8.isAscii(b.array(), from, to);
  }

  private boolean allValid(ColumnReaderImpl c) {
    int max = c.getDescriptor().getMaxDefinitionLevel();
    Binary last = null;
    for (long left = c.getTotalValueCount(); left > 0; left--) {
      if (c.getCurrentDefinitionLevel() == max) {
        Binary b = c.getBinary();
        if (b != last) {
          if (!valid(b)) {
            return false;
          }
          last = b;
        }
      }
      c.consume();
    }
    return true;
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }
}
