// SPDX-License-Identifier: Apache-2.0
package org.dropscope.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
        return TimeBound.parse(text).resolve(nanos(START), ZONE);
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
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TimeBound.parse("5 s"));
        assertEquals(true, e.getMessage().contains("1m30s") && e.getMessage().contains("06:00:00"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TimeBound.parse("5x"));
        assertThrows(IllegalArgumentException.class, () -> TimeBound.parse(""));
    }

    /** Found by TimeBoundFuzzTest: these threw ArithmeticException (long overflow) or wrapped. */
    @Test
    void offsetsAndTimesPastWhatNanosecondsHoldSaturateInsteadOfWrapping() {
        assertEquals(Long.MAX_VALUE, resolve("2h2333888888888888893s"));
        assertEquals(Long.MAX_VALUE, resolve("99999999999999999999s"));
        assertEquals(Long.MAX_VALUE, resolve("8000000000000000000ns"));
        assertEquals(Long.MAX_VALUE, resolve("9000000000s"));
        assertEquals(Long.MAX_VALUE, resolve("9999999999h"));
        assertEquals(Long.MAX_VALUE, resolve("4052-11-22T06:00:00Z"));
        assertEquals(Long.MIN_VALUE, resolve("1400-01-01T00:00:00"));
        assertEquals(nanos(Instant.parse("2262-04-11T23:47:16.854775807Z")), resolve("2262-04-11T23:47:16.854775807Z"));
    }

    /** Found by TimeBoundFuzzTest: the offset regex recursed once per part (StackOverflowError at 1,000 parts). */
    @Test
    void anOffsetOfManyPartsIsReadWithoutRecursion() {
        assertEquals(nanos(START.plusSeconds(50_000)), resolve("1s".repeat(50_000)));
        assertThrows(IllegalArgumentException.class, () -> TimeBound.parse("1s".repeat(50_000) + "x"));
    }
}
