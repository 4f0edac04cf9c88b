package dev.refinery.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A plain-text table for terminal output: a header line (its first cell is the table's title),
 * then rows indented by two; the first column left-aligned, the others right-aligned (they hold
 * numbers), columns two spaces apart.
 */
final class TextTable {
  private final List<String[]> rows = new ArrayList<>();
  private final int columns;

  TextTable(String... header) {
    this.columns = header.length;
    rows.add(header);
  }

  TextTable row(Object... cells) {
    if (cells.length != columns) {
      throw new IllegalArgumentException("expected " + columns + " cells, got " + cells.length);
    }
    rows.add(Arrays.stream(cells).map(String::valueOf).toArray(String[]::new));
    return this;
  }

  String render() {
    int[] width = new int[columns];
    for (int row = 0; row < rows.size(); row++) {
      String[] r = rows.get(row);
      for (int i = 0; i < columns; i++) {
        // The title line is not indented, so its first cell may be two wider.
        int w = r[i].codePointCount(0, r[i].length()) - (row == 0 && i == 0 ? 2 : 0);
        width[i] = Math.max(width[i], w);
      }
    }
    StringBuilder out = new StringBuilder();
    for (int row = 0; row < rows.size(); row++) {
      String[] r = rows.get(row);
      StringBuilder line = new StringBuilder(row == 0 ? "" : "  ");
      for (int i = 0; i < columns; i++) {
        int indent = row == 0 && i == 0 ? 2 : 0;
        String pad = " ".repeat(width[i] + indent - r[i].codePointCount(0, r[i].length()));
        line.append(i == 0 ? r[i] + pad : "  " + pad + r[i]);
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    return out.toString();
  }
}
