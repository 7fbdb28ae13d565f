package io.twinegress.emulators;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ThrottleTest {

    @Test
    void nextThrottlesExactlyThatManyThenLetsThrough() {
        Throttle throttle = new Throttle();
        throttle.next(2);
        assertTrue(throttle.isOn());
        assertTrue(throttle.throttlesThisOne());
        assertTrue(throttle.throttlesThisOne());
        assertFalse(throttle.throttlesThisOne());
        assertFalse(throttle.isOn());
    }

    @Test
    void onThrottlesEverythingAndOffAlsoCancelsNext() {
        Throttle throttle = new Throttle();
        assertTrue(throttle.set(true));
        assertFalse(throttle.set(true), "no change, so no log line");
        assertTrue(throttle.throttlesThisOne());
        throttle.next(5);
        assertTrue(throttle.set(false));
        assertFalse(throttle.isOn());
        assertFalse(throttle.throttlesThisOne());
    }

    @Test
    void aNegativeCountThrottlesNothing() {
        Throttle throttle = new Throttle();
        throttle.next(-3);
        assertFalse(throttle.isOn());
        assertFalse(throttle.throttlesThisOne());
    }
}
