package dev.refinery.io;

import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

/** Placeholder: the Parquet helper replaces this with the exact v1 schema. */
public final class NemotronParquetSchema {
  public static final MessageType V1 = MessageTypeParser.parseMessageType(
      "message schema { optional binary uuid (STRING); }");

  private NemotronParquetSchema() {}
}
