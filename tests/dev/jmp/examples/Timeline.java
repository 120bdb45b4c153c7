package dev.jmp.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The picture of chapter 1: runs ThreadsVsProcesses, stamps each line of its output
 * as it arrives (the program itself stays as the reader sees it), and draws one row
 * per pid: the main program's row holds its own line and the five threads', each
 * process has a row of its own. {@code make docs} writes
 * docs/tutorial/img/threads-vs-processes.svg with it.
 *
 * <pre>
 * java -cp target/test-classes:CLASSPATH dev.jmp.examples.Timeline CLASSPATH OUT.svg
 * </pre>
 */
public final class Timeline {
    private Timeline() {
    }

    /** One line of output: when it arrived (ms after launch), what it said, whose pid. */
    record Stamp(double ms, String kind, long pid) {
    }

    static List<Stamp> run(String classpath) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        long t0 = System.nanoTime();
        java.lang.Process p = new ProcessBuilder(java, "-cp", classpath, "dev.jmp.examples.ThreadsVsProcesses")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        List<Stamp> stamps = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                double ms = (System.nanoTime() - t0) / 1e6;
                String[] words = line.split(" ");
                String kind = words[0].replace(":", "").toLowerCase(Locale.ROOT);
                stamps.add(new Stamp(ms, kind, Long.parseLong(words[words.length - 1])));
            }
        }
        if (p.waitFor() != 0) {
            throw new IllegalStateException("ThreadsVsProcesses exited with " + p.exitValue());
        }
        return stamps;
    }

    static String svg(List<Stamp> stamps) {
        Map<Long, List<Stamp>> rows = new LinkedHashMap<>();
        for (Stamp s : stamps) {
            rows.computeIfAbsent(s.pid(), k -> new ArrayList<>()).add(s);
        }
        double end = stamps.stream().mapToDouble(Stamp::ms).max().orElse(1);
        double scale = Math.pow(10, Math.floor(Math.log10(end)));
        double axis = Math.ceil(end / scale) * scale;
        int left = 190;
        int width = 700;
        int rowHeight = 30;
        int top = 62;
        int height = top + rows.size() * rowHeight + 50;
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"monospace\" font-size=\"12\">%n", left + width + 30, height));
        out.append(String.format(Locale.ROOT, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n"));
        out.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"20\" font-size=\"14\">ThreadsVsProcesses: which pid "
                + "printed when (ms after the JVM was launched)</text>%n"));
        out.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"38\" fill=\"#555\">one real run: %s</text>%n",
                machine()));
        int y = top;
        for (Map.Entry<Long, List<Stamp>> row : rows.entrySet()) {
            List<Stamp> lines = row.getValue();
            boolean main = lines.get(0).kind().equals("main");
            String label = main ? "pid " + row.getKey() + " main + threads" : "pid " + row.getKey() + " process";
            out.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"%d\">%s</text>%n", y + 4, label));
            out.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#ddd\"/>%n",
                    left, y, left + width, y));
            for (Stamp s : lines) {
                double x = left + s.ms() / axis * width;
                String color = s.kind().equals("thread") ? "#1f77b4" : s.kind().equals("process") ? "#ff7f0e" : "#555";
                out.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%d\" r=\"5\" fill=\"%s\">"
                        + "<title>%s %d at %.1f ms</title></circle>%n", x, y, color, s.kind(), s.pid(), s.ms()));
            }
            Stamp last = lines.get(lines.size() - 1);
            String when = main && lines.size() > 1
                    ? String.format(Locale.ROOT, "main %.1f ms, threads %.1f-%.1f ms", lines.get(0).ms(), lines.get(1).ms(), last.ms())
                    : String.format(Locale.ROOT, "%.1f ms", last.ms());
            double labelX = left + last.ms() / axis * width + 10;
            String anchor = "start";
            if (labelX > left + width - 200) {
                labelX = left + lines.get(0).ms() / axis * width - 10;
                anchor = "end";
            }
            out.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"%s\" fill=\"#333\">%s</text>%n",
                    labelX, y + 4, anchor, when));
            y += rowHeight;
        }
        int base = y;
        out.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n",
                left, base, left + width, base));
        for (int i = 0; i <= 10; i++) {
            double x = left + i * width / 10.0;
            out.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"black\"/>"
                    + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.0f</text>%n", x, base, x, base + 5, x, base + 18,
                    axis * i / 10));
        }
        out.append(String.format(Locale.ROOT, "<circle cx=\"%d\" cy=\"%d\" r=\"5\" fill=\"#1f77b4\"/><text x=\"%d\" y=\"%d\">"
                + "thread</text><circle cx=\"%d\" cy=\"%d\" r=\"5\" fill=\"#ff7f0e\"/><text x=\"%d\" y=\"%d\">process</text>%n",
                left, base + 38, left + 10, base + 42, left + 90, base + 38, left + 100, base + 42));
        out.append("</svg>\n");
        return out.toString();
    }

    /** How busy the machine was: a run on a loaded machine draws its processes far later. */
    static String machine() {
        String load = "?";
        try {
            load = Files.readAllLines(Path.of("/proc/loadavg")).get(0).split(" ")[0];
        } catch (IOException | RuntimeException unknown) {
            // Not Linux, or no procfs: say so with the question mark.
        }
        return Runtime.getRuntime().availableProcessors() + " CPUs, load average " + load;
    }

    public static void main(String[] args) throws Exception {
        Path target = Path.of(args[1]);
        Files.createDirectories(target.getParent());
        Files.writeString(target, svg(run(args[0])), StandardCharsets.UTF_8);
        System.out.println("wrote " + target);
    }
}
