package dev.jmp.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The last step of make bench: reads one run's C, JMH and CPython results (all from
 * the same run directory: numbers from different runs are never put side by side),
 * prints the table, and writes it as Markdown with an SVG chart of the ratios under
 * benchmarks/results/.
 *
 * <p>Usage: {@code Report <run dir> <results dir> <quick|full>}.
 */
public final class Report {
    private Report() {
    }

    /** One row's numbers, ready to print. */
    record Line(Row row, Measurement.Stats c, Measurement.Stats jmp, Measurement.Stats py,
                Double vsC, Double vsPy, String target, String status) {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: Report <run dir> <results dir> <quick|full>");
            System.exit(2);
        }
        Path run = Paths.get(args[0]);
        Path out = Paths.get(args[1]);
        String mode = args[2];
        Results res = Results.load(run);
        List<Row> rows = Rows.all(new ArrayList<>(res.jdks.keySet()));
        List<Line> lines = compute(rows, res);

        ZonedDateTime started = startOf(run);
        Map<String, String> env = environment(res, mode, run, started);
        System.out.println();
        System.out.print(Text.table(lines));
        System.out.println();
        for (Map.Entry<String, String> e : env.entrySet()) {
            System.out.println(e.getKey() + ": " + e.getValue());
        }
        for (String p : res.problems) {
            System.out.println("note: " + p);
        }

        Files.createDirectories(out);
        String stamp = started.format(DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmm"));
        String base = "bench-" + stamp + "-" + mode;
        String svg = Chart.svg(lines, env);
        Files.writeString(out.resolve(base + ".svg"), svg);
        Files.writeString(out.resolve("latest.svg"), svg);
        Files.writeString(out.resolve(base + ".md"), Markdown.render(lines, res, env, base + ".svg"));
        Files.writeString(out.resolve("latest.md"), Markdown.render(lines, res, env, "latest.svg"));
        System.out.println();
        System.out.println("wrote " + out.resolve(base + ".md") + " and .svg (also latest.md, latest.svg)");
    }

    static List<Line> compute(List<Row> rows, Results res) {
        Map<String, Measurement.Stats> jmpByKey = new LinkedHashMap<>();
        List<Line> lines = new ArrayList<>();
        for (Row row : rows) {
            Measurement.Stats c = stats(res.c.get(row.cId), row.unit);
            Measurement.Stats py = stats(res.py.get(row.pyId), row.unit);
            Measurement.Stats jmp = stats(res.jmpFor(row), row.unit);
            if (jmp != null) {
                jmpByKey.put(row.key(), jmp);
            }
            Double vsC = jmp != null && c != null ? jmp.median() / c.median() : null;
            Double vsPy = jmp != null && py != null ? jmp.median() / py.median() : null;
            lines.add(new Line(row, c, jmp, py, vsC, vsPy, null, null));
        }
        // Targets may name another row's jmp column, so they are judged once all are known.
        List<Line> judged = new ArrayList<>();
        for (Line l : lines) {
            List<String> labels = new ArrayList<>();
            String status = l.row().targets.isEmpty() ? "" : "—";
            boolean allMet = true;
            boolean allKnown = l.jmp() != null;
            for (Target t : l.row().targets) {
                labels.add(t.label());
                Double ratio = null;
                if (l.jmp() != null) {
                    if (t.peer().equals(Target.C)) {
                        ratio = l.vsC();
                    } else if (t.peer().equals(Target.PY)) {
                        ratio = l.vsPy();
                    } else {
                        Measurement.Stats other = jmpByKey.get(t.peer());
                        ratio = other == null ? null : l.jmp().median() / other.median();
                    }
                }
                if (ratio == null) {
                    allKnown = false;
                } else if (!t.met(ratio, l.jmp().median())) {
                    allMet = false;
                }
            }
            if (!l.row().targets.isEmpty() && l.jmp() != null) {
                status = !allMet ? "missed" : allKnown ? "met" : "no peer";
            }
            judged.add(new Line(l.row(), l.c(), l.jmp(), l.py(), l.vsC(), l.vsPy(), String.join(", ", labels), status));
        }
        return judged;
    }

    private static Measurement.Stats stats(Measurement m, Unit unit) {
        return m == null || m.nsPerOp().isEmpty() ? null : m.stats(unit);
    }

    /** When the run began (run.sh writes it; else the run directory's loadavg.txt time). */
    static ZonedDateTime startOf(Path run) {
        try {
            return ZonedDateTime.parse(Files.readString(run.resolve("started.txt")).trim());
        } catch (IOException | java.time.format.DateTimeParseException e) {
            try {
                return Files.getLastModifiedTime(run.resolve("loadavg.txt")).toInstant()
                        .atZone(java.time.ZoneId.systemDefault());
            } catch (IOException e2) {
                return ZonedDateTime.now();
            }
        }
    }

    static Map<String, String> environment(Results res, String mode, Path run, ZonedDateTime started) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("date", started.withNano(0).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        env.put("mode", mode);
        // "JDK": the one every row ran on; "JDK n": one more that ran the rows named with it.
        env.put("JDK", res.jdks.isEmpty() ? System.getProperty("java.vm.name") + " "
                + System.getProperty("java.runtime.version") + " (" + System.getProperty("java.home") + ")"
                : res.jdks.get(res.mainJdk()));
        for (Map.Entry<Integer, String> jdk : res.jdks.entrySet()) {
            if (jdk.getKey() != res.mainJdk()) {
                env.put("JDK " + jdk.getKey(), jdk.getValue() + ": the rows named JDK " + jdk.getKey()
                        + " (parent and children on it)");
            }
        }
        env.put("CPUs", Runtime.getRuntime().availableProcessors() + " x " + cpuModel());
        env.put("kernel", System.getProperty("os.name") + " " + System.getProperty("os.version")
                + " " + System.getProperty("os.arch"));
        env.put("load average before the run", readTrimmed(run.resolve("loadavg.txt")));
        if (res.pyMeta != null) {
            env.put("CPython", res.pyMeta.get("version") + ", " + res.pyMeta.get("executable")
                    + " (clean venv of " + res.pyMeta.get("base") + ")");
        } else {
            String why = readTrimmed(run.resolve("py-skipped.txt"));
            env.put("CPython", why.isEmpty() ? "not run" : "skipped: " + why);
        }
        return env;
    }

    private static String cpuModel() {
        try {
            for (String l : Files.readAllLines(Paths.get("/proc/cpuinfo"))) {
                if (l.startsWith("model name")) {
                    return l.substring(l.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            // not Linux-like: leave it out
        }
        return "?";
    }

    private static String readTrimmed(Path p) {
        try {
            return Files.readString(p).trim();
        } catch (IOException e) {
            return "";
        }
    }

    // ---- formatting shared by the text, Markdown and SVG outputs ----

    static String num(double v) {
        double a = Math.abs(v);
        if (a >= 1000) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3g", v);
    }

    static String cell(Measurement.Stats s) {
        if (s == null) {
            return "—";
        }
        return num(s.median()) + " ±" + String.format(Locale.ROOT, "%.0f", s.spreadPercent()) + "%";
    }

    static String ratio(Double r) {
        if (r == null) {
            return "—";
        }
        return (r >= 10 ? String.format(Locale.ROOT, "%.1f", r) : String.format(Locale.ROOT, "%.2f", r)) + "×";
    }
}
