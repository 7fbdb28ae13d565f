package io.twinegress.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The expression reader the dashboard and alert tests rely on: it must find every metric, and only metrics. */
class PromQlTest {

    @Test
    void findsTheMetricItsMatchersAndTheGrouping() {
        PromQl.Usage u = PromQl.parse("sum by (endpoint) (rate(twin_a_total{endpoint=~\"$endpoint\", task != \"0\"}[$__rate_interval]))");
        assertEquals(List.of(new PromQl.Selector("twin_a_total", Set.of("endpoint", "task"))), u.selectors());
        assertEquals(Set.of("endpoint"), u.grouping());
        assertEquals(Set.of("endpoint"), u.outerGrouping());
    }

    @Test
    void nestedAggregationsArithmeticAndComparisons() {
        PromQl.Usage u = PromQl.parse("sum by (endpoint) (max by (endpoint, partition) (lag_a)) / 1000 > 600 and on (endpoint) b_c");
        assertEquals(Set.of("lag_a", "b_c"), u.metrics());
        assertEquals(Set.of("endpoint", "partition"), u.grouping());
        assertEquals(Set.of("endpoint"), u.outerGrouping());
    }

    @Test
    void stringsNumbersRangesAndKeywordsAreNotMetrics() {
        PromQl.Usage u = PromQl.parse("increase(x_total{kind=\"by (y)\"}[15m] offset 5m) > 1e3 or vector(0) unless bool z");
        assertEquals(Set.of("x_total", "z"), u.metrics());
        assertEquals(Set.of(), u.outerGrouping());
    }

    @Test
    void aSelectorWithoutMatchersHasNone() {
        assertEquals(List.of(new PromQl.Selector("plain", Set.of())), PromQl.parse("plain").selectors());
    }

    @Test
    void anUnbalancedExpressionIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> PromQl.parse("rate(a[5m)"));
        assertThrows(IllegalArgumentException.class, () -> PromQl.parse("a{b=\"c}"));
    }
}
