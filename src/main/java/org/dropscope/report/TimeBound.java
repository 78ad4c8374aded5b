// SPDX-License-Identifier: Apache-2.0
package org.dropscope.report;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code --since} or {@code --until} time, as typed: either an offset from the recording's start
 * ({@code 5s}, {@code 1m30s}, {@code 250ms}, units h, m, s, ms, us, ns) or a wall-clock time
 * (ISO-8601 with an offset, {@code 2026-11-22T06:00:00Z}; a local date and time
 * {@code 2026-11-22T06:00:00}; or a local time {@code 06:00:00}, on the day the recording
 * started). Local times are in the given zone. {@link #resolve} turns it into nanoseconds since
 * the epoch once the start is known.
 *
 * <p>Times are 64-bit nanoseconds since the epoch, as in a record file: wall-clock times between
 * {@link #FIRST} and {@link #LAST}, offsets up to {@link #MAX_OFFSET}; anything else is refused
 * when parsed. An offset that reaches past {@link #LAST} from the recording's start stands for
 * the end of time (after every drop), not a wrapped negative time.
 */
public final class TimeBound {
    /** The earliest wall-clock time accepted: 64-bit nanoseconds reach back to 1677-09-21T00:12:43Z. */
    static final Instant FIRST = Instant.parse("1677-09-21T00:12:44Z");
    /** The latest wall-clock time accepted: 64-bit nanoseconds reach 2262-04-11T23:47:16Z. */
    static final Instant LAST = Instant.parse("2262-04-11T23:47:16Z");
    /** The longest offset, in the largest unit: 2^63 - 1 ns is 2562047 h and a bit (292 years). */
    static final String MAX_OFFSET = "2562047h";

    private static final long NANOS = 1_000_000_000L;
    private static final Pattern OFFSET_PART = Pattern.compile("(\\d+)(h|ms|us|ns|m|s)");
    private static final String FORMS = "an offset from the recording's start of at most " + MAX_OFFSET
            + ", such as 5s, 1m30s, 250ms; or a time from " + FIRST + " to " + LAST + ", such as"
            + " 2026-11-22T06:00:00Z, 2026-11-22T06:00:00 or 06:00:00";

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
     * @param option the option it was given to ({@code --since}), for messages
     * @param text the value
     * @throws IllegalArgumentException one line naming the option and the value, saying which
     *     forms and ranges are understood
     */
    public static TimeBound parse(String option, String text) {
        String t = text.trim();
        if (isOffset(t)) {
            long offset = offset(t);
            if (offset < 0) {
                throw bad(option, "the offset '" + text + "' is too long");
            }
            return new TimeBound(text, offset, null, null, null);
        }
        TimeBound b;
        try {
            if (t.contains("T")) {
                if (t.endsWith("Z") || t.matches(".*[+-]\\d\\d:?\\d\\d$")) {
                    b = new TimeBound(text, 0, OffsetDateTime.parse(t).toInstant(), null, null);
                } else {
                    b = new TimeBound(text, 0, null, LocalDateTime.parse(t), null);
                }
            } else {
                b = new TimeBound(text, 0, null, null, LocalTime.parse(t));
            }
        } catch (DateTimeException e) {
            throw bad(option, "cannot read the time '" + text + "'");
        }
        // A local date and time is checked in the zones farthest apart, so that it fits in any zone.
        Instant early = b.instant != null ? b.instant : b.localDateTime != null
                ? b.localDateTime.toInstant(ZoneOffset.MAX) : null;
        Instant late = b.instant != null ? b.instant : b.localDateTime != null
                ? b.localDateTime.toInstant(ZoneOffset.MIN) : null;
        if (early != null && (early.isBefore(FIRST) || late.isAfter(LAST))) {
            throw bad(option, "the time '" + text + "' is outside the times dropscope counts in");
        }
        return b;
    }

    /**
     * A length of time as typed for an option such as {@code --retain}: offset parts only
     * ({@code 24h}, {@code 1h30m}, {@code 90s}).
     *
     * @return nanoseconds, more than 0
     * @throws IllegalArgumentException one line naming the option and the value
     */
    public static long duration(String option, String text) {
        String t = text.trim();
        long n = isOffset(t) ? offset(t) : -1;
        if (n <= 0) {
            throw new IllegalArgumentException(option + ": cannot read the length of time '" + text + "' (expected"
                    + " e.g. 24h, 1h30m, 90s; at most " + MAX_OFFSET + ", more than 0)");
        }
        return n;
    }

    private static IllegalArgumentException bad(String option, String what) {
        return new IllegalArgumentException(option + ": " + what + " (expected: " + FORMS + ")");
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

    /** The offset's nanoseconds, or -1 if they do not fit in 63 bits. */
    private static long offset(String t) {
        long total = 0;
        Matcher m = OFFSET_PART.matcher(t);
        try {
            while (m.find()) {
                long n = Long.parseLong(m.group(1));
                long unit;
                switch (m.group(2)) {
                    case "h":
                        unit = 3_600 * NANOS;
                        break;
                    case "m":
                        unit = 60 * NANOS;
                        break;
                    case "s":
                        unit = NANOS;
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
                total = Math.addExact(total, Math.multiplyExact(n, unit));
            }
        } catch (NumberFormatException | ArithmeticException e) {
            return -1;
        }
        return total;
    }

    /**
     * Nanoseconds since the epoch this bound stands for; an offset or local time past what 64-bit
     * nanoseconds hold is {@link Long#MAX_VALUE} (or {@link Long#MIN_VALUE} before it), so that it
     * lies after (before) every drop.
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
            // offsetNanos >= 0, so only the top can be passed.
            return startEpochNanos > Long.MAX_VALUE - offsetNanos ? Long.MAX_VALUE : startEpochNanos + offsetNanos;
        }
        if (at.getEpochSecond() < Long.MIN_VALUE / NANOS) {
            return Long.MIN_VALUE;
        }
        if (at.getEpochSecond() > Long.MAX_VALUE / NANOS) {
            return Long.MAX_VALUE;
        }
        long seconds = at.getEpochSecond() * NANOS;
        return seconds < 0 || at.getNano() <= Long.MAX_VALUE - seconds ? seconds + at.getNano() : Long.MAX_VALUE;
    }

    /**
     * Nanoseconds since the epoch this bound stands for, counted back from {@code nowEpochNanos}:
     * an offset is that long before now (before the epoch's start it is {@link Long#MIN_VALUE}),
     * a local time is today's, a date and time is itself.
     *
     * @param zone the zone of local times and of "today"
     */
    public long resolveBack(long nowEpochNanos, ZoneId zone) {
        if (instant == null && localDateTime == null && localTime == null) {
            return nowEpochNanos < Long.MIN_VALUE + offsetNanos ? Long.MIN_VALUE : nowEpochNanos - offsetNanos;
        }
        return resolve(nowEpochNanos, zone);
    }

    @Override
    public String toString() {
        return text;
    }
}
