package io.twinegress.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class MeasureTest {

    @Test
    void medianMinMaxOfRuns() {
        Measure m = new Measure("events/s");
        List.of(30.0, 10.0, 20.0).forEach(m::add);
        assertEquals(20.0, m.median());
        assertEquals(10.0, m.min());
        assertEquals(30.0, m.max());
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertEquals(2.5, Measure.percentile(List.of(4.0, 1.0, 3.0, 2.0), 50));
    }

    @Test
    void nearestRankPercentiles() {
        double[] v = new double[1000];
        for (int i = 0; i < v.length; i++) {
            v[i] = 1000 - i;   // 1000 … 1, unsorted
        }
        assertEquals(990.0, Measure.percentile(v.clone(), 1000, 99));
        assertEquals(999.0, Measure.percentile(v.clone(), 1000, 99.9));
        assertEquals(500.0, Measure.percentile(v.clone(), 1000, 50));
    }

    @Test
    void ratioIsSubjectMedianOverBaselineMedian() {
        Measure a = new Measure("x");
        Measure b = new Measure("x");
        a.add(9);
        b.add(10);
        assertEquals(0.9, new Row(1, "r", a, b, null, null, "").ratio(), 1e-9);
    }
}
