package io.twinegress.bench.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The runs of one measured quantity: every value kept, median, min and max derived. */
public final class Measure {

    private final String unit;
    private final List<Double> values = new ArrayList<>();

    public Measure(String unit) {
        this.unit = unit;
    }

    public synchronized void add(double v) {
        values.add(v);
    }

    public String unit() {
        return unit;
    }

    public synchronized List<Double> values() {
        return List.copyOf(values);
    }

    public synchronized int count() {
        return values.size();
    }

    public double median() {
        return percentile(values(), 50);
    }

    public double min() {
        return values().stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    public double max() {
        return values().stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    /** Nearest-rank percentile for p in (0,100); the median interpolates between the two middle values. */
    public static double percentile(List<Double> in, double p) {
        if (in.isEmpty()) {
            return Double.NaN;
        }
        List<Double> s = new ArrayList<>(in);
        Collections.sort(s);
        if (p == 50) {
            int n = s.size();
            return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
        }
        int rank = (int) Math.ceil(p * s.size() / 100.0 - 1e-9);
        return s.get(Math.max(0, Math.min(s.size() - 1, rank - 1)));
    }

    /** Percentile of a primitive array that may be sorted in place. */
    public static double percentile(double[] sortedOrNot, int n, double p) {
        if (n == 0) {
            return Double.NaN;
        }
        java.util.Arrays.sort(sortedOrNot, 0, n);
        int rank = (int) Math.ceil(p * n / 100.0 - 1e-9);
        return sortedOrNot[Math.max(0, Math.min(n - 1, rank - 1))];
    }
}
