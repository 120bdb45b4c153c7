package dev.jmp.bench.report;

/**
 * One goal from the issues, stated as the issue states it: the jmp value divided by a
 * peer's value, in the row's unit, is at most / at least / below a factor. The peer is
 * the C column, the CPython column, or the jmp column of another row (e.g. issue 9's
 * "at most 1.5x a bare java Hello"). An "at least" goal may also be met by a value of its
 * own ({@code orValue}, in the row's unit; NaN if none), for an issue that says "at
 * least this much, or at least that factor, whichever is lower" (issue 23's Queue row).
 */
record Target(String peer, Cmp cmp, double factor, String issue, String shown, double orValue, String orShown) {
    enum Cmp {
        AT_MOST("≤"), AT_LEAST("≥"), BELOW("<");

        final String sign;

        Cmp(String sign) {
            this.sign = sign;
        }
    }

    static final String C = "C";
    static final String PY = "CPython";

    static Target atMost(double factor, String peer, String issue) {
        return new Target(peer, Cmp.AT_MOST, factor, issue, peer, Double.NaN, null);
    }

    static Target atLeast(double factor, String peer, String issue) {
        return new Target(peer, Cmp.AT_LEAST, factor, issue, peer, Double.NaN, null);
    }

    static Target below(double factor, String peer, String issue) {
        return new Target(peer, Cmp.BELOW, factor, issue, peer, Double.NaN, null);
    }

    /** The same target with a short name for its peer row in labels. */
    Target shownAs(String name) {
        return new Target(peer, cmp, factor, issue, name, orValue, orShown);
    }

    /** The same "at least" target, also met by a jmp value of at least {@code value} (shown as {@code shown}). */
    Target orAtLeast(double value, String shown) {
        if (cmp != Cmp.AT_LEAST) {
            throw new IllegalArgumentException("only an at-least goal has a value of its own");
        }
        return new Target(peer, cmp, factor, issue, this.shown, value, shown);
    }

    /** Met by the jmp value {@code jmp}, whose ratio to the peer is {@code ratio}. */
    boolean met(double ratio, double jmp) {
        return !Double.isNaN(orValue) && jmp >= orValue || met(ratio);
    }

    private boolean met(double ratio) {
        switch (cmp) {
            case AT_MOST:
                return ratio <= factor;
            case AT_LEAST:
                return ratio >= factor;
            default:
                return ratio < factor;
        }
    }

    boolean peerIsRow() {
        return !peer.equals(C) && !peer.equals(PY);
    }

    String label() {
        String f = factor == Math.rint(factor) ? String.valueOf((long) factor) : String.valueOf(factor);
        String or = orShown == null ? "" : " or " + cmp.sign + orShown;
        return cmp.sign + f + "× " + shown + or + " (#" + issue + ")";
    }

    /** The same goal as a bound on the cost ratio (for the chart): cost ≤ this. */
    double costBound(Unit unit) {
        return unit.rate ? 1 / factor : factor;
    }
}
