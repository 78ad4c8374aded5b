// SPDX-License-Identifier: Apache-2.0
package org.dropscope.report;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.dropscope.testing.FuzzTarget;
import org.dropscope.testing.Fuzzing;

/**
 * Fuzz target: a {@code --since}/{@code --until} value through {@link TimeBound#parse}, resolved
 * against a recording's start in two zones. Oracle: only IllegalArgumentException, from parse;
 * resolving never throws; an offset never lands before the start (it does not wrap).
 */
public class TimeBoundFuzzTest extends FuzzTarget {
    private static final List<ZoneId> ZONES = List.of(ZoneOffset.UTC, ZoneId.of("Pacific/Kiritimati"));

    @Override
    public List<byte[]> seeds() {
        return Stream.of("5s", "1m30s", "250ms", "1h2m3s4ms5us6ns", "2026-11-22T06:00:00Z", "2026-11-22T06:00:00+05:30",
                "2026-11-22T06:00:00", "06:00:00", "06:00:00.123456789").map(Fuzzing::utf8).toList();
    }

    @Override
    public void fuzzOne(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        TimeBound b;
        try {
            b = TimeBound.parse("--since", text);
        } catch (IllegalArgumentException e) {
            assertNotNull(e.getMessage());
            return;
        }
        // Digits and unit letters only: an offset (a time has '-', ':' or 'T'). No regex: see TimeBound.isOffset.
        boolean offset = text.trim().chars().allMatch(c -> Character.isDigit(c) || "hmsun".indexOf(c) >= 0);
        for (ZoneId zone : ZONES) {
            long start = ReportFiles.START_EPOCH_NANOS;
            long at = b.resolve(start, zone);
            if (offset) {
                assertTrue(at >= start, () -> "offset '" + text + "' resolves to " + at + ", before the start " + start);
            }
        }
    }
}
