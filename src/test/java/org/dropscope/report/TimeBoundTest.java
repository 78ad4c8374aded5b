// SPDX-License-Identifier: Apache-2.0
package org.dropscope.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

class TimeBoundTest {
    private static final ZoneId ZONE = ZoneId.of("Europe/Berlin");
    /** 2026-11-22 05:59:58.5 UTC: 06:59:58.5 in Berlin. */
    private static final Instant START = Instant.parse("2026-11-22T05:59:58.500Z");

    private static long nanos(Instant i) {
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    private static long resolve(String text) {
        return TimeBound.parse("--since", text).resolve(nanos(START), ZONE);
    }

    @Test
    void offsetsAddUpTheirParts() {
        assertEquals(nanos(START.plusSeconds(5)), resolve("5s"));
        assertEquals(nanos(START.plus(Duration.ofMinutes(1).plusSeconds(30))), resolve("1m30s"));
        assertEquals(nanos(START.plusMillis(250)), resolve("250ms"));
        assertEquals(nanos(START.plus(Duration.ofHours(2).plusNanos(7_003))), resolve("2h7us3ns"));
        assertEquals(nanos(START), resolve("0s"));
    }

    @Test
    void wallClockTimesWithAnOffsetAreThatInstant() {
        assertEquals(nanos(Instant.parse("2026-11-22T06:00:00Z")), resolve("2026-11-22T06:00:00Z"));
        assertEquals(nanos(Instant.parse("2026-11-22T05:00:00Z")), resolve("2026-11-22T06:00:00+01:00"));
    }

    @Test
    void localTimesAreInTheZoneAndOnTheDayTheRecordingStarted() {
        ZonedDateTime start = START.atZone(ZONE);
        assertEquals(nanos(start.toLocalDate().atTime(7, 0).atZone(ZONE).toInstant()), resolve("07:00:00"));
        assertEquals(nanos(LocalDateTime.parse("2026-11-22T07:00:01").atZone(ZONE).toInstant()),
                resolve("2026-11-22T07:00:01"));
    }

    @Test
    void anythingElseIsRefusedWithTheFormsUnderstood() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TimeBound.parse("--since", "5 s"));
        assertEquals(true, e.getMessage().contains("1m30s") && e.getMessage().contains("06:00:00"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TimeBound.parse("--since", "5x"));
        assertThrows(IllegalArgumentException.class, () -> TimeBound.parse("--until", ""));
    }

    /** Every bad value is one line that names the option and the value and says what is accepted. */
    private static void assertRefused(String option, String text, String what) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TimeBound.parse(option, text));
        String m = e.getMessage();
        assertTrue(m.startsWith(option + ": " + what + " (expected: "), m);
        assertTrue(m.contains("of at most 2562047h") && m.contains("from 1677-09-21T00:12:44Z to 2262-04-11T23:47:16Z"), m);
        assertFalse(m.contains("\n") || m.contains("Exception") || m.contains("For input string"), m);
    }

    @Test
    void offsetsAndTimesBeyondSixtyFourBitNanosecondsAreRefusedNamingTheOption() {
        assertRefused("--since", "9999999999h", "the offset '9999999999h' is too long");
        assertRefused("--since", "99999999999999999999s", "the offset '99999999999999999999s' is too long");
        assertRefused("--until", "9223372036854775807ns1ns", "the offset '9223372036854775807ns1ns' is too long");
        assertRefused("--until", "2562048h", "the offset '2562048h' is too long");
        assertRefused("--since", "3000-01-01T00:00:00Z", "the time '3000-01-01T00:00:00Z' is outside the times"
                + " dropscope counts in");
        assertRefused("--since", "1600-01-01T00:00:00", "the time '1600-01-01T00:00:00' is outside the times"
                + " dropscope counts in");
        assertRefused("--until", "+999999999-12-31T23:59:59Z", "the time '+999999999-12-31T23:59:59Z' is outside"
                + " the times dropscope counts in");
        assertRefused("--until", "yesterday", "cannot read the time 'yesterday'");
        // The largest offset and the edges of the range are accepted.
        assertEquals(Long.MAX_VALUE, TimeBound.parse("--since", "9223372036854775807ns").resolve(0, ZONE));
        assertEquals(nanos(TimeBound.LAST), TimeBound.parse("--since", TimeBound.LAST.toString()).resolve(0, ZONE));
        assertEquals(nanos(TimeBound.FIRST), TimeBound.parse("--since", TimeBound.FIRST.toString()).resolve(0, ZONE));
    }

    /** An offset past the last 64-bit time from the start lies after every drop: it saturates, never wraps. */
    @Test
    void offsetsPastTheEndOfTimeSaturate() {
        long start = nanos(START);
        assertEquals(Long.MAX_VALUE, TimeBound.parse("--since", "8000000000000000000ns").resolve(start, ZONE));
        assertEquals(Long.MAX_VALUE, TimeBound.parse("--until", "9000000000s").resolve(start, ZONE));
        assertEquals(Long.MAX_VALUE, TimeBound.parse("--until", TimeBound.MAX_OFFSET).resolve(start, ZONE));
        // Just below the top, the sum is exact.
        long room = Long.MAX_VALUE - start;
        assertEquals(Long.MAX_VALUE, TimeBound.parse("--until", room + "ns").resolve(start, ZONE));
        assertEquals(Long.MAX_VALUE - 1, TimeBound.parse("--until", (room - 1) + "ns").resolve(start, ZONE));
    }

    /**
     * Found by TimeBoundFuzzTest: these threw ArithmeticException (long overflow) or wrapped. What
     * 64-bit nanoseconds cannot hold is refused naming the option; an offset that holds but reaches
     * past the last nanosecond from the start saturates.
     */
    @Test
    void offsetsAndTimesPastWhatNanosecondsHoldAreRefusedOrSaturate() {
        for (String v : new String[] {"2h2333888888888888893s", "99999999999999999999s", "9999999999h",
            "4052-11-22T06:00:00Z", "1400-01-01T00:00:00"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TimeBound.parse("--since", v));
            assertTrue(e.getMessage().startsWith("--since: "), e.getMessage());
        }
        assertEquals(Long.MAX_VALUE, resolve("8000000000000000000ns"));
        assertEquals(Long.MAX_VALUE, resolve("9000000000s"));
    }

    /** Found by TimeBoundFuzzTest: the offset regex recursed once per part (StackOverflowError at 1,000 parts). */
    @Test
    void anOffsetOfManyPartsIsReadWithoutRecursion() {
        assertEquals(nanos(START.plusSeconds(50_000)), resolve("1s".repeat(50_000)));
        assertThrows(IllegalArgumentException.class, () -> TimeBound.parse("--since", "1s".repeat(50_000) + "x"));
    }
}
