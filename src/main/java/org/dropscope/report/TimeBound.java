// SPDX-License-Identifier: Apache-2.0
package org.dropscope.report;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code --since} or {@code --until} time, as typed: either an offset from the recording's start
 * ({@code 5s}, {@code 1m30s}, {@code 250ms}, units h, m, s, ms, us, ns) or a wall-clock time
 * (ISO-8601 with an offset, {@code 2026-11-22T06:00:00Z}; a local date and time
 * {@code 2026-11-22T06:00:00}; or a local time {@code 06:00:00}, on the day the recording
 * started). Local times are in the given zone. {@link #resolve} turns it into nanoseconds since
 * the epoch once the start is known.
 */
public final class TimeBound {
    private static final Pattern OFFSET_PART = Pattern.compile("(\\d+)(h|ms|us|ns|m|s)");

    private final String text;
    private final long offsetNanos;
    private final Instant instant;
    private final LocalDateTime localDateTime;
    private final LocalTime localTime;

    private TimeBound(String text, long offsetNanos, Instant instant, LocalDateTime localDateTime,
            LocalTime localTime) {
        this.text = text;
        this.offsetNanos = offsetNanos;
        this.instant = instant;
        this.localDateTime = localDateTime;
        this.localTime = localTime;
    }

    /**
     * Parses what the user typed.
     *
     * @throws IllegalArgumentException saying which forms are understood
     */
    public static TimeBound parse(String text) {
        String t = text.trim();
        if (isOffset(t)) {
            return new TimeBound(text, offset(t), null, null, null);
        }
        try {
            if (t.contains("T")) {
                if (t.endsWith("Z") || t.matches(".*[+-]\\d\\d:?\\d\\d$")) {
                    return new TimeBound(text, 0, OffsetDateTime.parse(t).toInstant(), null, null);
                }
                return new TimeBound(text, 0, null, LocalDateTime.parse(t), null);
            }
            return new TimeBound(text, 0, null, null, LocalTime.parse(t));
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("cannot read the time '" + text + "' (expected: an offset from the"
                    + " recording's start such as 5s, 1m30s, 250ms; or a time such as 2026-11-22T06:00:00Z,"
                    + " 2026-11-22T06:00:00 or 06:00:00)");
        }
    }

    /**
     * Whether {@code t} is offset parts and nothing else. Part by part: a regex repeating the
     * part, {@code (?:\\d+(?:h|ms|us|ns|m|s))+}, recurses once per part and overflowed the stack
     * at 1,000 parts.
     */
    private static boolean isOffset(String t) {
        Matcher m = OFFSET_PART.matcher(t);
        int at = 0;
        while (at < t.length()) {
            if (!m.region(at, t.length()).lookingAt()) {
                return false;
            }
            at = m.end();
        }
        return at > 0;
    }

    private static long offset(String t) {
        long total = 0;
        Matcher m = OFFSET_PART.matcher(t);
        while (m.find()) {
            // Past Long.MAX_VALUE ns (292 years) an offset selects nothing or everything: saturate.
            long n;
            try {
                n = Long.parseLong(m.group(1));
            } catch (NumberFormatException e) {
                // Digits only: too many of them.
                n = Long.MAX_VALUE;
            }
            long unit;
            switch (m.group(2)) {
                case "h":
                    unit = 3_600_000_000_000L;
                    break;
                case "m":
                    unit = 60_000_000_000L;
                    break;
                case "s":
                    unit = 1_000_000_000L;
                    break;
                case "ms":
                    unit = 1_000_000L;
                    break;
                case "us":
                    unit = 1_000L;
                    break;
                default:
                    unit = 1L;
                    break;
            }
            total = saturatedAdd(total, n > Long.MAX_VALUE / unit ? Long.MAX_VALUE : n * unit);
        }
        return total;
    }

    /**
     * Nanoseconds since the epoch this bound stands for.
     *
     * @param startEpochNanos when the recording started
     * @param zone the zone of local times
     */
    public long resolve(long startEpochNanos, ZoneId zone) {
        Instant at;
        if (instant != null) {
            at = instant;
        } else if (localDateTime != null) {
            at = localDateTime.atZone(zone).toInstant();
        } else if (localTime != null) {
            LocalDate day = LocalDate.ofInstant(Instant.ofEpochSecond(0, startEpochNanos), zone);
            at = day.atTime(localTime).atZone(zone).toInstant();
        } else {
            return saturatedAdd(startEpochNanos, offsetNanos);
        }
        // Outside 1677-2262 a time is before or after every drop: the bound saturates.
        long seconds = at.getEpochSecond();
        if (seconds >= Long.MAX_VALUE / 1_000_000_000L) {
            return Long.MAX_VALUE;
        }
        if (seconds <= Long.MIN_VALUE / 1_000_000_000L) {
            return Long.MIN_VALUE;
        }
        return seconds * 1_000_000_000L + at.getNano();
    }

    /** {@code a + b}, or Long.MAX_VALUE / MIN_VALUE where that overflows. */
    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        if (((a ^ sum) & (b ^ sum)) < 0) {
            return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return sum;
    }

    @Override
    public String toString() {
        return text;
    }
}
