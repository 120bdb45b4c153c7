package dev.jmp.bench.report;

/**
 * The unit a row is shown in. Every side reports nanoseconds per operation plus the
 * work one operation moves ({@code per_op}: bytes or items); a time unit shows ns/op
 * scaled, a rate unit shows per_op / time. Time: lower is better; rate: higher.
 */
enum Unit {
    NS("ns", false, 1),
    US("us", false, 1e3),
    MS("ms", false, 1e6),
    GB_S("GB/s", true, 1e9),
    M_S("M/s", true, 1e6),
    K_S("k/s", true, 1e3);

    final String label;
    final boolean rate;
    private final double scale;

    Unit(String label, boolean rate, double scale) {
        this.label = label;
        this.rate = rate;
        this.scale = scale;
    }

    double fromNsPerOp(double nsPerOp, double perOp) {
        return rate ? perOp / (nsPerOp * 1e-9) / scale : nsPerOp / scale;
    }

    /** How many times the cost (time) of {@code a} is that of {@code b}: &lt; 1 means a is faster. */
    double costRatio(double a, double b) {
        return rate ? b / a : a / b;
    }

    String arrow() {
        return rate ? "↑" : "↓";
    }
}
