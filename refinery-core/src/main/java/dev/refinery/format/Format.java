package dev.refinery.format;

import dev.refinery.sample.Sample;
import java.util.Map;
import org.apache.parquet.schema.MessageType;

/**
 * A record layout that maps to and from {@link Sample}: the Nemotron v1 schema itself, or one of
 * the common chat layouts (OpenAI messages, ShareGPT, Alpaca, Llama-Nemotron). Formats are
 * stateless and thread safe.
 */
public interface Format {
  /** The name users type, e.g. {@code sharegpt}. */
  String name();

  /** Decodes one record; throws {@link SchemaException} with the reason when it does not fit. */
  Sample decode(Map<String, Object> row);

  /** Encodes a sample as this format's record, keeping its unknown fields. */
  Map<String, Object> encode(Sample sample);

  /** Parquet types of the columns this format fixes, or null to infer them all. */
  default MessageType parquetColumns() {
    return null;
  }
}
