package dev.jmp.bench.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One side's raw samples for one operation, in ns per operation, and what they moved.
 * Medians and spread are computed here the same way for C, JMH and CPython.
 */
record Measurement(String side, String id, List<Double> nsPerOp, double perOp, long batch, String note) {

    /** The samples in a row's unit, sorted ascending. */
    List<Double> in(Unit unit) {
        List<Double> v = new ArrayList<>();
        for (double ns : nsPerOp) {
            v.add(unit.fromNsPerOp(ns, perOp));
        }
        Collections.sort(v);
        return v;
    }

    static double median(List<Double> sorted) {
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    Stats stats(Unit unit) {
        List<Double> v = in(unit);
        return new Stats(median(v), v.get(0), v.get(v.size() - 1), v.size());
    }

    record Stats(double median, double min, double max, int n) {
        /** Half the min-max range, relative to the median, in percent. */
        double spreadPercent() {
            return median == 0 ? 0 : (max - min) / 2 / median * 100;
        }
    }
}
