package dev.refinery.dataset;

import dev.refinery.RefineryException;
import dev.refinery.format.Format;
import dev.refinery.format.SchemaException;
import dev.refinery.io.InputFile;
import dev.refinery.io.InputSplit;
import dev.refinery.io.Location;
import dev.refinery.io.RawRow;
import dev.refinery.io.RowReader;
import dev.refinery.io.RowReaders;
import dev.refinery.sample.RowId;
import dev.refinery.sample.Sample;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.LongPredicate;
import java.util.function.Predicate;

/**
 * Streams the samples of one or more files in order, decoding each record with a {@link Format}.
 * Records that cannot be read or decoded go to the {@link RejectHandler}; {@link #read()} counts
 * every record seen, good or bad, so callers can check read = kept + rejected.
 */
public final class SampleReader implements Iterator<Sample>, Closeable {
  private final List<InputFile> files;
  private final Format format;
  private final RejectHandler onReject;
  private int fileIndex = -1;
  private RowReader current;
  private Sample next;
  private Location nextLocation;
  private Location lastLocation;
  private RawRow nextRow;
  private RawRow lastRow;
  private InputFile lastFile;
  private long read;
  private long rejected;
  private final LongPredicate keep;
  // Rows passed over by id before decoding (a run's rows a keyed step dropped), or null.
  private Predicate<RowId> passOver;
  private long index;
  private long passedOver;
  // Row ids: the first file's index in the run's input order, and the record's place in its file.
  private int firstFileId;
  private long position;
  private InputSplit split;
  // Whether a thread of its own reads the records ahead of the decoding.
  private boolean readAhead;
  // A reader over samples some other reader decodes (a run's stage files), or null.
  private Iterator<Sample> given;
  private Closeable givenClose;

  private SampleReader(List<InputFile> files, Format format, RejectHandler onReject,
      long firstIndex, LongPredicate keep) {
    this.files = List.copyOf(files);
    this.format = format;
    this.onReject = onReject;
    this.index = firstIndex;
    this.keep = keep;
  }

  private SampleReader(List<InputFile> files, Format format, RejectHandler onReject) {
    this(files, format, onReject, 0, null);
  }

  /**
   * Reads only the records whose index passes {@code keep}: records are numbered across the files
   * in order, good or bad, starting at {@code firstIndex}. Records passed over are not decoded,
   * not counted in {@link #read()} and never rejected; {@link #passedOver()} counts them. This is
   * how one rank of a data-parallel job reads its share without decoding the others'.
   */
  public static SampleReader open(List<InputFile> files, Format format, RejectHandler onReject,
      long firstIndex, LongPredicate keep) {
    return new SampleReader(files, format, onReject, firstIndex, keep);
  }

  public static SampleReader open(List<InputFile> files, Format format, RejectHandler onReject) {
    return new SampleReader(files, format, onReject);
  }

  public static SampleReader open(InputFile file, Format format, RejectHandler onReject) {
    return new SampleReader(List.of(file), format, onReject);
  }

  /**
   * {@link #open(InputFile, Format, RejectHandler)} with the records read on a thread of their
   * own while this one decodes them: the same samples, rejects and counts in the same order, on
   * two cores. For a file that holds more than its share of the work.
   */
  public static SampleReader openReadingAhead(InputFile file, Format format,
      RejectHandler onReject) {
    SampleReader reader = new SampleReader(List.of(file), format, onReject);
    reader.readAhead = true;
    return reader;
  }

  /**
   * Reads one file that is input {@code fileId} of a run: its samples get row ids {@code
   * (fileId, position)}, the position as {@link #open(InputSplit, Format, RejectHandler)} says.
   */
  public static SampleReader open(InputFile file, int fileId, Format format,
      RejectHandler onReject) {
    return open(InputSplit.whole(file, fileId), format, onReject);
  }

  /**
   * Reads the records a split of a run's input owns. Samples get row ids {@code (file index,
   * position)} that do not depend on the split: a Parquet row's index in its file, the byte offset
   * of a JSON line's start (in the decompressed stream), a JSON array element's index.
   */
  public static SampleReader open(InputSplit split, Format format, RejectHandler onReject) {
    SampleReader reader = new SampleReader(List.of(split.file()), format, onReject);
    reader.firstFileId = split.fileIndex();
    reader.split = split;
    return reader;
  }

  /**
   * {@link #open(InputSplit, Format, RejectHandler)} with the records read ahead on a thread of
   * their own, and those whose row id {@code passOver} accepts (asked in id order) neither
   * decoded nor counted in {@link #read()}: {@link #passedOver()} counts them.
   */
  public static SampleReader openReadingAhead(InputSplit split, Format format,
      RejectHandler onReject, Predicate<RowId> passOver) {
    SampleReader reader = open(split, format, onReject);
    reader.readAhead = true;
    reader.passOver = passOver;
    return reader;
  }

  /**
   * A reader of samples another reader already decoded, with their ids (a run's stage files):
   * every one counts as read, none is rejected, and closing it closes {@code close}.
   */
  public static SampleReader of(Iterator<Sample> samples, Closeable close) {
    SampleReader reader = new SampleReader(List.of(), null, RejectHandler.FAIL);
    reader.given = samples;
    reader.givenClose = close;
    return reader;
  }

  @Override
  public boolean hasNext() {
    if (next != null) {
      return true;
    }
    if (given != null) {
      if (!given.hasNext()) {
        return false;
      }
      next = given.next();
      read++;
      return true;
    }
    try {
      while (true) {
        if (current == null) {
          if (++fileIndex >= files.size()) {
            return false;
          }
          current = split != null ? RowReaders.open(split) : RowReaders.open(files.get(fileIndex));
          if (readAhead) {
            current = RowReaders.readAhead(current);
          }
          position = 0;
        }
        RawRow row = current.next();
        if (row == null) {
          current.close();
          current = null;
          continue;
        }
        long counted = position++;
        long at = row.position() >= 0 ? row.position() : counted;
        if (keep != null && !keep.test(index++)
            || passOver != null && passOver.test(RowId.of(firstFileId + fileIndex, at))) {
          passedOver++;
          continue;
        }
        read++;
        if (row.isBad()) {
          reject(row, row.error());
          continue;
        }
        try {
          Sample decoded = format.decode(row.fields());
          // A stage file's rows carry the ids they were written with; input rows get theirs here.
          next = decoded.id() != null ? decoded
              : decoded.withId(RowId.of(firstFileId + fileIndex, at));
          nextLocation = row.location();
          nextRow = row;
          return true;
        } catch (SchemaException e) {
          reject(row, e.getMessage());
        }
      }
    } catch (IOException e) {
      throw new RefineryException(files.get(fileIndex) + ": cannot read: " + dev.refinery.internal.IoErrors.reason(e), e);
    }
  }

  private void reject(RawRow row, String reason) {
    rejected++;
    onReject.reject(new Rejected(row.location(), reason, row.rawText()));
  }

  @Override
  public Sample next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    Sample s = next;
    next = null;
    lastLocation = nextLocation;
    lastRow = nextRow;
    lastFile = given != null ? null : files.get(fileIndex);
    return s;
  }

  /** The file the last sample returned by {@link #next()} came from. */
  public InputFile currentFile() {
    return lastFile;
  }

  /** Where the last sample returned by {@link #next()} came from. */
  public Location currentLocation() {
    return lastLocation;
  }

  /**
   * The record the last sample returned by {@link #next()} was decoded from, as text: what a
   * rejects file keeps when the sample later fails (for instance it cannot be written).
   */
  public String currentRawText() {
    return lastRow == null ? null : lastRow.rawText();
  }

  /** Records seen so far, decodable or not. */
  public long read() {
    return read;
  }

  /** Records not read because their index did not pass the filter given to {@code open}. */
  public long passedOver() {
    return passedOver;
  }

  /** Records handed to the reject handler so far. */
  public long rejected() {
    return rejected;
  }

  @Override
  public void close() {
    if (givenClose != null) {
      try {
        givenClose.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      givenClose = null;
      given = null;
    }
    if (current != null) {
      try {
        current.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      current = null;
    }
    fileIndex = files.size();
  }
}
