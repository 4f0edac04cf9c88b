package dev.refinery.io;

import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

/**
 * The Parquet schema of the Nemotron Post-Training Dataset v1 as Hugging Face (pyarrow) writes
 * it: every column optional, strings as {@code binary (STRING)}, lists in the standard 3-level
 * {@code list} / {@code element} form.
 */
public final class NemotronParquetSchema {
  private NemotronParquetSchema() {}

  public static final MessageType V1 = MessageTypeParser.parseMessageType("""
      message schema {
        optional binary uuid (STRING);
        optional binary license (STRING);
        optional binary generator (STRING);
        optional binary version (STRING);
        optional binary category (STRING);
        optional binary reasoning (STRING);
        optional group messages (LIST) {
          repeated group list {
            optional group element {
              optional binary role (STRING);
              optional binary content (STRING);
              optional group tool_calls (LIST) {
                repeated group list {
                  optional group element {
                    optional binary id (STRING);
                    optional binary type (STRING);
                    optional group function {
                      optional binary name (STRING);
                      optional binary arguments (STRING);
                    }
                  }
                }
              }
            }
          }
        }
        optional binary metadata (STRING);
      }
      """);
}
