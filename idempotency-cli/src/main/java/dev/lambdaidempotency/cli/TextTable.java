package dev.lambdaidempotency.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A plain text table: a header row, then rows, columns padded to the widest cell. */
final class TextTable {
    private final List<String[]> rows = new ArrayList<>();
    private final boolean[] rightAligned;
    private final boolean printHeader;

    TextTable(String... header) {
        this(true, header);
    }

    private TextTable(boolean printHeader, String... header) {
        rows.add(header);
        rightAligned = new boolean[header.length];
        this.printHeader = printHeader;
    }

    /** Two columns, name and value, without a header row. */
    static TextTable keyValue() {
        return new TextTable(false, "", "");
    }

    TextTable alignRight(int... columns) {
        for (int column : columns) {
            rightAligned[column] = true;
        }
        return this;
    }

    void add(Object... cells) {
        String[] row = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            row[i] = cells[i] == null ? "-" : cells[i].toString();
        }
        rows.add(row);
    }

    boolean isEmpty() {
        return rows.size() == 1;
    }

    void print(PrintWriter out) {
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : printHeader ? rows : rows.subList(1, rows.size())) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                if (i > 0) {
                    line.append("  ");
                }
                String cell = row[i];
                boolean last = i == row.length - 1;
                if (rightAligned[i]) {
                    line.append(" ".repeat(widths[i] - cell.length())).append(cell);
                } else {
                    line.append(cell);
                    if (!last) {
                        line.append(" ".repeat(widths[i] - cell.length()));
                    }
                }
            }
            out.println(line.toString().stripTrailing());
        }
        out.flush();
    }
}
