package dev.jmp.bench.report;

/**
 * One goal from the issues, stated as the issue states it: the jmp value divided by a
 * peer's value, in the row's unit, is at most / at least / below a factor. The peer is
 * the C column, the CPython column, or the jmp column of another row (e.g. issue 9's
 * "at most 1.5x a bare java Hello").
 */
record Target(String peer, Cmp cmp, double factor, String issue, String shown) {
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
        return new Target(peer, Cmp.AT_MOST, factor, issue, peer);
    }

    static Target atLeast(double factor, String peer, String issue) {
        return new Target(peer, Cmp.AT_LEAST, factor, issue, peer);
    }

    static Target below(double factor, String peer, String issue) {
        return new Target(peer, Cmp.BELOW, factor, issue, peer);
    }

    /** The same target with a short name for its peer row in labels. */
    Target shownAs(String name) {
        return new Target(peer, cmp, factor, issue, name);
    }

    boolean met(double ratio) {
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
        return cmp.sign + f + "× " + shown + " (#" + issue + ")";
    }

    /** The same goal as a bound on the cost ratio (for the chart): cost ≤ this. */
    double costBound(Unit unit) {
        return unit.rate ? 1 / factor : factor;
    }
}
