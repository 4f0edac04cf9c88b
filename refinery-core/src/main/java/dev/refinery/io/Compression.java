package dev.refinery.io;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** Stream compression of text files, chosen by the file name: .gz, .zst, or none. */
public enum Compression {
  NONE(""),
  GZIP(".gz"),
  ZSTD(".zst");

  private final String suffix;

  Compression(String suffix) {
    this.suffix = suffix;
  }

  public static Compression of(Path path) {
    String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".gz")) {
      return GZIP;
    }
    if (name.endsWith(".zst") || name.endsWith(".zstd")) {
      return ZSTD;
    }
    return NONE;
  }

  static String stripSuffix(String lowerName) {
    for (String s : new String[] {".gz", ".zst", ".zstd"}) {
      if (lowerName.endsWith(s)) {
        return lowerName.substring(0, lowerName.length() - s.length());
      }
    }
    return lowerName;
  }

  public InputStream open(Path path) throws IOException {
    InputStream raw = new BufferedInputStream(Files.newInputStream(path), 1 << 16);
    return switch (this) {
      case NONE -> raw;
      case GZIP -> new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16);
      case ZSTD -> new BufferedInputStream(new ZstdInputStream(raw), 1 << 16);
    };
  }

  public OutputStream create(OutputStream raw) throws IOException {
    OutputStream buffered = new BufferedOutputStream(raw, 1 << 16);
    return switch (this) {
      case NONE -> buffered;
      case GZIP -> new BufferedOutputStream(new GZIPOutputStream(buffered, 1 << 16), 1 << 16);
      // Level 3 is zstd's own default: a good speed/ratio balance for text.
      case ZSTD -> new BufferedOutputStream(new ZstdOutputStream(buffered, 3), 1 << 16);
    };
  }

  public String suffix() {
    return suffix;
  }
}
