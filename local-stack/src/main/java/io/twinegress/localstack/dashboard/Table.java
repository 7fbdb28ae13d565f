package io.twinegress.localstack.dashboard;

import java.util.List;

/** Renders the live table as plain text (no terminal control codes: it reads fine in a log too). */
public final class Table {

    private static final String[] HEAD = {"endpoint", "type", "state", "key", "expected", "delivered", "lag", "dead-lettered"};

    private Table() {
    }

    public static String render(String title, List<EndpointRow> rows, String footer) {
        String[][] cells = new String[rows.size() + 1][];
        cells[0] = HEAD;
        for (int i = 0; i < rows.size(); i++) {
            EndpointRow r = rows.get(i);
            cells[i + 1] = new String[] {r.endpoint(), r.type(), r.state(), r.key(), String.valueOf(r.expected()),
                String.valueOf(r.delivered()), r.lag() < 0 ? "?" : String.valueOf(r.lag()), String.valueOf(r.deadLettered())};
        }
        int[] w = new int[HEAD.length];
        for (String[] row : cells) {
            for (int c = 0; c < row.length; c++) {
                w[c] = Math.max(w[c], row[c].length());
            }
        }
        StringBuilder sb = new StringBuilder(title).append('\n');
        for (int r = 0; r < cells.length; r++) {
            sb.append("  ");
            for (int c = 0; c < w.length; c++) {
                boolean numeric = c >= 4;
                String v = cells[r][c];
                String pad = " ".repeat(w[c] - v.length());
                sb.append(numeric ? pad + v : v + pad).append(c + 1 < w.length ? "  " : "");
            }
            sb.append('\n');
        }
        if (footer != null && !footer.isEmpty()) {
            sb.append("  ").append(footer).append('\n');
        }
        return sb.toString();
    }
}
