package dev.jmp.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One line of the table: an operation, in one CPU placement, with the id of its C
 * program result, its JMH benchmark (and parameters), its CPython result, and the
 * targets the issues set for it. Built fluently in {@link Rows}.
 */
final class Row {
    final String section;
    final String name;
    final String placement;   // "same", "split" or "any" (unpinned)
    final Unit unit;
    String cId;
    String pyId;
    String jmhBenchmark;                              // e.g. "ProcessBench.startJoin"
    final Map<String, String> jmhParams = new LinkedHashMap<>();
    double jmhPerOp = 1;
    final List<Target> targets = new ArrayList<>();
    final List<String> notes = new ArrayList<>();
    /** A yardstick row (java Hello, a ByteBuffer read): its Java column is not jmp. */
    boolean reference;
    /** The JDK feature version its jmp column ran on; null: the run's main JDK. */
    Integer jdk;

    Row(String section, String name, String placement, Unit unit) {
        this.section = section;
        this.name = name;
        this.placement = placement;
        this.unit = unit;
    }

    /** The key other rows' targets use to name this one: "name" or "name [placement]". */
    String key() {
        return "any".equals(placement) ? name : name + " [" + placement + "]";
    }

    String placementLabel() {
        switch (placement) {
            case "same":
                return "1 CPU";
            case "split":
                return "2 CPUs";
            default:
                return "-";
        }
    }

    Row c(String id) {
        cId = id + "/" + placement;
        return this;
    }

    Row py(String id) {
        pyId = id + "/" + placement;
        return this;
    }

    /**
     * The JMH benchmark ("Class.method", class in dev.jmp.bench), its parameters as
     * "k=v" pairs (the row's placement is added as placement=... for two-process rows),
     * and the work one JMH operation moves (bytes or items, for rate units).
     */
    Row jmp(String benchmark, double perOp, String... params) {
        jmhBenchmark = benchmark;
        jmhPerOp = perOp;
        for (String p : params) {
            String[] kv = p.split("=", 2);
            jmhParams.put(kv[0], kv[1]);
        }
        if (!"any".equals(placement)) {
            jmhParams.put("placement", placement);
        }
        return this;
    }

    Row jmp(String benchmark, String... params) {
        return jmp(benchmark, 1, params);
    }

    Row target(Target t) {
        targets.add(t);
        return this;
    }

    Row note(String n) {
        notes.add(n);
        return this;
    }

    /** The jmp column from the JMH run on JDK {@code feature} (run.sh runs the start rows on each JDK). */
    Row jdk(int feature) {
        jdk = feature;
        return this;
    }

    Row reference() {
        reference = true;
        return this;
    }
}
