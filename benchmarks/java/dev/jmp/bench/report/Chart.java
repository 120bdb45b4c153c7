package dev.jmp.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The ratios as a hand-written SVG: one group per row that has a jmp number, a bar
 * for "vs C" and one for "vs CPython", on a log axis of cost (how many times the time
 * jmp takes; for a rate row, the peer's rate over jmp's), centred on 1×. Left of the
 * line jmp is faster, right of it slower. A red tick marks the issue's target on the
 * bar it is stated against.
 */
final class Chart {
    private Chart() {
    }

    private static final int WIDTH = 980;
    private static final int LABEL = 400;
    private static final int RIGHT = 40;
    private static final int TOP = 78;
    private static final int BAR = 11;
    private static final int GROUP = 2 * BAR + 14;
    private static final String C_COLOR = "#4e79a7";
    private static final String PY_COLOR = "#f28e2b";

    static String svg(List<Report.Line> lines, Map<String, String> env) {
        List<Report.Line> shown = new ArrayList<>();
        int waiting = 0;
        double lo = 1;
        double hi = 1;
        for (Report.Line l : lines) {
            Double c = cost(l, l.vsC());
            Double p = cost(l, l.vsPy());
            if (c == null && p == null) {
                if (l.jmp() == null) {
                    waiting++;
                }
                continue;
            }
            shown.add(l);
            for (Double v : new Double[] {c, p}) {
                if (v != null) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
            for (Target t : l.row().targets) {
                if (!t.peerIsRow()) {
                    double b = t.costBound(l.row().unit);
                    lo = Math.min(lo, b);
                    hi = Math.max(hi, b);
                }
            }
        }
        double minExp = Math.floor(Math.log10(lo) - 1e-9);
        double maxExp = Math.ceil(Math.log10(hi) + 1e-9);
        if (maxExp - minExp < 2) {
            minExp = Math.min(minExp, -1);
            maxExp = Math.max(maxExp, 1);
        }
        int plot = WIDTH - LABEL - RIGHT;
        double fMin = minExp;
        double fMax = maxExp;
        java.util.function.DoubleUnaryOperator x = v -> LABEL + (Math.log10(v) - fMin) / (fMax - fMin) * plot;

        int height = TOP + Math.max(1, shown.size()) * GROUP + 70;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                + "font-family=\"DejaVu Sans, Arial, sans-serif\" font-size=\"12\">%n", WIDTH, height, WIDTH, height));
        s.append(String.format("<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, height));
        s.append(text(12, 22, "jmp's cost relative to raw C and to CPython (log scale; left of 1× = jmp faster)", 15, "bold"));
        s.append(text(12, 42, "mode " + env.get("mode") + " · " + env.get("date").replaceAll("T(\\d+:\\d+).*", " $1") + " · " + env.get("CPUs")
                + " · " + env.get("JDK").replaceAll(" \\(.*", "") + " · CPython "
                + env.getOrDefault("CPython", "?").replaceAll(",.*", ""), 11, "normal"));
        legend(s, LABEL, 60);

        // grid and axis labels
        int gridBottom = TOP + Math.max(1, shown.size()) * GROUP;
        for (double e = minExp; e <= maxExp + 1e-9; e++) {
            for (int m : new int[] {1, 3}) {
                double v = m * Math.pow(10, e);
                if (Math.log10(v) > maxExp + 1e-9) {
                    continue;
                }
                double gx = x.applyAsDouble(v);
                boolean one = Math.abs(v - 1) < 1e-9;
                s.append(String.format(Locale.ROOT,
                        "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" stroke-width=\"%s\"/>%n",
                        gx, TOP - 6, gx, gridBottom, one ? "#333" : "#ddd", one ? "1.5" : "1"));
                s.append(String.format(Locale.ROOT,
                        "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">%s×</text>%n",
                        gx, gridBottom + 16, axisLabel(v)));
            }
        }

        int y = TOP;
        for (Report.Line l : shown) {
            Row r = l.row();
            String name = r.name + (r.reference ? " *" : "") + ("any".equals(r.placement) ? "" : " [" + r.placementLabel() + "]");
            s.append(text(LABEL - 8, y + BAR + 4, name, 12, "normal").replace("<text ", "<text text-anchor=\"end\" "));
            bar(s, x, y, cost(l, l.vsC()), C_COLOR, l.vsC());
            bar(s, x, y + BAR + 2, cost(l, l.vsPy()), PY_COLOR, l.vsPy());
            for (Target t : r.targets) {
                if (t.peerIsRow()) {
                    continue;
                }
                int ty = t.peer().equals(Target.C) ? y : y + BAR + 2;
                double tx = x.applyAsDouble(t.costBound(r.unit));
                s.append(String.format(Locale.ROOT,
                        "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#d62728\" stroke-width=\"2.5\">"
                        + "<title>target %s</title></line>%n", tx, ty - 2, tx, ty + BAR + 2, esc(t.label())));
            }
            y += GROUP;
        }
        if (shown.isEmpty()) {
            s.append(text(LABEL, TOP + 20, "no row has a jmp number yet", 12, "normal"));
        }
        s.append(text(12, gridBottom + 40, "Bars: jmp time ÷ peer time (for rates: peer rate ÷ jmp rate), medians of one run. "
                + "Red tick: the issue's target. * yardstick row (plain Java).", 11, "normal"));
        s.append(text(12, gridBottom + 56, waiting + " more rows wait for their jmp benchmark (see the table); "
                + "C and CPython columns are measured for all of them.", 11, "normal"));
        s.append("</svg>\n");
        return s.toString();
    }

    /** Cost ratio for the chart: the time ratio, or the inverse of a rate ratio. */
    private static Double cost(Report.Line l, Double ratio) {
        if (ratio == null) {
            return null;
        }
        return l.row().unit.rate ? 1 / ratio : ratio;
    }

    private static void bar(StringBuilder s, java.util.function.DoubleUnaryOperator x, int y, Double cost,
                            String color, Double shownRatio) {
        if (cost == null) {
            return;
        }
        double x1 = x.applyAsDouble(1);
        double x2 = x.applyAsDouble(cost);
        double left = Math.min(x1, x2);
        double w = Math.max(1, Math.abs(x2 - x1));
        s.append(String.format(Locale.ROOT,
                "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"><title>%s</title></rect>%n",
                left, y, w, BAR, color, Report.ratio(shownRatio)));
        boolean slower = cost >= 1;
        double tx = slower ? x2 + 4 : x2 - 4;
        s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" fill=\"#333\"%s>%s</text>%n",
                tx, y + BAR - 1, slower ? "" : " text-anchor=\"end\"", esc(costLabel(cost))));
    }

    private static String costLabel(double cost) {
        return cost >= 1 ? Report.ratio(cost) + " slower" : Report.ratio(1 / cost) + " faster";
    }

    private static void legend(StringBuilder s, int x0, int y) {
        s.append(String.format("<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"10\" fill=\"%s\"/>%n", x0, y - 9, C_COLOR));
        s.append(text(x0 + 20, y, "vs raw C (native/)", 12, "normal"));
        s.append(String.format("<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"10\" fill=\"%s\"/>%n", x0 + 170, y - 9, PY_COLOR));
        s.append(text(x0 + 190, y, "vs CPython multiprocessing", 12, "normal"));
        s.append(String.format("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#d62728\" stroke-width=\"2.5\"/>%n",
                x0 + 380, y - 10, x0 + 380, y + 1));
        s.append(text(x0 + 388, y, "target", 12, "normal"));
    }

    private static String axisLabel(double v) {
        if (v >= 1) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return String.format(Locale.ROOT, "%.1g", v);
    }

    private static String text(int x, int y, String t, int size, String weight) {
        return String.format("<text x=\"%d\" y=\"%d\" font-size=\"%d\" font-weight=\"%s\">%s</text>%n",
                x, y, size, weight, esc(t));
    }

    static String esc(String t) {
        return t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
