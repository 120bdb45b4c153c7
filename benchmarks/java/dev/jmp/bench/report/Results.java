package dev.jmp.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The three sides' results of one run, read from its directory. JMH may have run on
 * more than one JDK: {@code jmh.json} on the main one (every row), then
 * {@code jmh-jdk<feature>.json} per other JDK (the start rows); each benchmark's JDK is
 * the parameter {@code jdk=<feature>} of its key.
 */
final class Results {
    final Map<String, Measurement> c = new LinkedHashMap<>();
    final Map<String, Measurement> py = new LinkedHashMap<>();
    /** Key: "Class.method" + sorted "k=v" params (jdk=N among them), see {@link #jmhKey}. */
    final Map<String, Measurement> jmh = new LinkedHashMap<>();
    /** The JDK feature versions JMH ran on, the main one first, and what each was. */
    final Map<Integer, String> jdks = new LinkedHashMap<>();
    final Map<String, String> skipped = new LinkedHashMap<>();
    Map<String, Object> pyMeta;
    final List<String> problems = new ArrayList<>();

    static Results load(Path dir) throws IOException {
        Results r = new Results();
        r.readLines(dir.resolve("c.jsonl"), r.c, "C");
        r.readLines(dir.resolve("py.jsonl"), r.py, "CPython");
        Path jmh = dir.resolve("jmh.json");
        if (Files.isRegularFile(jmh) && Files.size(jmh) > 0) {
            r.readJmh(jmh);
        } else {
            r.problems.add("no JMH results (" + jmh + ")");
        }
        List<Path> others = new ArrayList<>();
        try (java.nio.file.DirectoryStream<Path> files = Files.newDirectoryStream(dir, "jmh-jdk*.json")) {
            files.forEach(others::add);
        }
        others.sort(null);
        for (Path other : others) {
            if (Files.size(other) > 0) {
                r.readJmh(other);
            } else {
                r.problems.add("no JMH results (" + other + ")");
            }
        }
        Path cluster = dir.resolve("jmh-cluster.json");     // the cluster module's rows, when built
        if (Files.isRegularFile(cluster) && Files.size(cluster) > 0) {
            r.readJmh(cluster);
        }
        return r;
    }

    @SuppressWarnings("unchecked")
    private void readLines(Path file, Map<String, Measurement> into, String side) throws IOException {
        if (!Files.isRegularFile(file)) {
            problems.add("no " + side + " results (" + file + ")");
            return;
        }
        for (String line : Files.readAllLines(file)) {
            line = line.trim();
            if (!line.startsWith("{")) {
                continue;
            }
            Map<String, Object> m;
            try {
                m = (Map<String, Object>) Json.parse(line);
            } catch (IllegalArgumentException e) {
                problems.add(side + ": unreadable line: " + line);
                continue;
            }
            if (m.containsKey("meta")) {
                pyMeta = (Map<String, Object>) m.get("meta");
                continue;
            }
            String id = (String) m.get("id");
            if (m.containsKey("skipped")) {
                skipped.put(side + " " + id, (String) m.get("skipped"));
                continue;
            }
            List<Double> ns = new ArrayList<>();
            for (Object o : (List<Object>) m.get("ns_per_op")) {
                ns.add((Double) o);
            }
            into.put(id, new Measurement(side, id, ns, (Double) m.get("per_op"),
                    ((Double) m.get("batch")).longValue(), String.valueOf(m.getOrDefault("note", ""))));
        }
    }

    @SuppressWarnings("unchecked")
    private void readJmh(Path file) throws IOException {
        List<Object> all = (List<Object>) Json.parse(Files.readString(file));
        for (Object o : all) {
            Map<String, Object> b = (Map<String, Object>) o;
            String name = (String) b.get("benchmark");
            String[] parts = name.split("\\.");
            String simple = parts[parts.length - 2] + "." + parts[parts.length - 1];
            Map<String, String> params = new LinkedHashMap<>();
            Object p = b.get("params");
            if (p instanceof Map) {
                for (Map.Entry<String, Object> e : ((Map<String, Object>) p).entrySet()) {
                    params.put(e.getKey(), String.valueOf(e.getValue()));
                }
            }
            Map<String, Object> pm = (Map<String, Object>) b.get("primaryMetric");
            double toNs = nsPerOp((String) pm.get("scoreUnit"));
            boolean perTime = ((String) pm.get("scoreUnit")).startsWith("ops/");
            List<Double> ns = new ArrayList<>();
            for (Object fork : (List<Object>) pm.get("rawData")) {
                for (Object v : (List<Object>) fork) {
                    double d = (Double) v;
                    ns.add(perTime ? toNs / d : d * toNs);
                }
            }
            int jdk = feature(String.valueOf(b.get("jdkVersion")));
            params.put("jdk", String.valueOf(jdk));
            jdks.putIfAbsent(jdk, b.get("vmName") + " " + b.get("vmVersion") + " (" + b.get("jvm") + ")");
            String key = jmhKey(simple, params);
            String mode = (String) b.get("mode");
            jmh.put(key, new Measurement("jmp", key, ns, 1, -1, "JMH " + mode + ", " + ((Double) b.get("forks")).intValue() + " fork(s)"));
        }
    }

    /** "17.0.15" -> 17; 0 if JMH did not say. */
    private static int feature(String jdkVersion) {
        try {
            return Runtime.Version.parse(jdkVersion).feature();
        } catch (IllegalArgumentException e) {
            return 0;
        }
    }

    /** The JDK of the main JMH run (jmh.json); this JVM's if there was none. */
    int mainJdk() {
        return jdks.isEmpty() ? Runtime.version().feature() : jdks.keySet().iterator().next();
    }

    /** For "x/op": ns in one x; for "ops/x": ns in one x too (the caller divides). */
    private static double nsPerOp(String unit) {
        String u = unit.startsWith("ops/") ? unit.substring(4) : unit.substring(0, unit.indexOf('/'));
        switch (u) {
            case "ns":
                return 1;
            case "us":
                return 1e3;
            case "ms":
                return 1e6;
            case "s":
                return 1e9;
            case "min":
                return 60e9;
            default:
                throw new IllegalArgumentException("JMH unit " + unit);
        }
    }

    static String jmhKey(String benchmark, Map<String, String> params) {
        StringBuilder b = new StringBuilder(benchmark);
        params.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> b.append(' ').append(e.getKey()).append('=').append(e.getValue()));
        return b.toString();
    }

    Measurement jmpFor(Row row) {
        if (row.jmhBenchmark == null) {
            return null;
        }
        Map<String, String> params = new LinkedHashMap<>(row.jmhParams);
        params.put("jdk", String.valueOf(row.jdk != null ? row.jdk : mainJdk()));
        Measurement m = jmh.get(jmhKey(row.jmhBenchmark, params));
        return m == null ? null : new Measurement(m.side(), m.id(), m.nsPerOp(), row.jmhPerOp, m.batch(), m.note());
    }
}
