package dev.jmp.bench.report;

import java.util.ArrayList;
import java.util.List;

/** The table as aligned plain text, for the terminal. */
final class Text {
    private Text() {
    }

    static final String[] HEADER = {"Operation", "CPUs", "Unit", "C", "jmp", "CPython", "jmp/C", "jmp/CPython",
        "Target", "Status"};

    static List<String[]> cells(List<Report.Line> lines, boolean withSections) {
        List<String[]> out = new ArrayList<>();
        String section = null;
        for (Report.Line l : lines) {
            Row r = l.row();
            if (withSections && !r.section.equals(section)) {
                section = r.section;
                out.add(new String[] {"[" + section + "]"});
            }
            out.add(new String[] {
                r.name + (r.reference ? " *" : ""), r.placementLabel(), r.unit.label + " " + r.unit.arrow(),
                Report.cell(l.c()), Report.cell(l.jmp()), Report.cell(l.py()),
                Report.ratio(l.vsC()), Report.ratio(l.vsPy()), l.target(), l.status()});
        }
        return out;
    }

    static String table(List<Report.Line> lines) {
        List<String[]> rows = cells(lines, true);
        int[] w = new int[HEADER.length];
        for (int i = 0; i < HEADER.length; i++) {
            w[i] = HEADER[i].length();
        }
        for (String[] r : rows) {
            if (r.length == HEADER.length) {
                for (int i = 0; i < r.length; i++) {
                    w[i] = Math.max(w[i], r[i].length());
                }
            }
        }
        StringBuilder b = new StringBuilder();
        line(b, HEADER, w);
        int total = 0;
        for (int x : w) {
            total += x + 2;
        }
        b.append("-".repeat(total)).append('\n');
        for (String[] r : rows) {
            if (r.length == 1) {
                b.append(r[0]).append('\n');
            } else {
                line(b, r, w);
            }
        }
        b.append("* yardstick row: its Java column is plain Java, not jmp.  ↓ lower is better, ↑ higher is better;\n")
         .append("  ±x% is half the min-max range of the samples around the median; jmp/C and jmp/CPython divide medians.\n");
        return b.toString();
    }

    private static void line(StringBuilder b, String[] cells, int[] w) {
        for (int i = 0; i < cells.length; i++) {
            String c = cells[i] == null ? "" : cells[i];
            boolean right = i >= 3 && i <= 7;
            String pad = " ".repeat(Math.max(0, w[i] - c.length()));
            b.append(right ? pad + c : c + pad).append("  ");
        }
        b.setLength(b.length() - 2);
        b.append('\n');
    }
}
