// SPDX-License-Identifier: Apache-2.0
package org.dropscope.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.dropscope.event.DropEvent;
import org.dropscope.event.DropOrigin;
import org.dropscope.event.DropSink;
import org.dropscope.names.DropNames;
import org.junit.jupiter.api.Test;

/**
 * {@link FlightRecorder} with a store in memory and clocks the test moves: segments rotate at
 * their size and age bounds, the oldest go first past --max-bytes and --retain, what is kept
 * reads back exactly, the free-space floor stops and resumes recording with one line each, and
 * drops over the budget become exact counted events.
 */
class FlightRecorderTest {
    private static final long NANOS = 1_000_000_000L;
    private static final long START_MILLIS = 1_796_000_000_000L;
    private final MemoryStore store = new MemoryStore();
    private final List<String> log = new ArrayList<>();
    private final DropEvent event = new DropEvent();
    /** The event clock, ns; the wall clock follows it. */
    private long now;

    private FlightRecorder recorder(long maxBytes, long retainMillis, long budget) {
        FlightRecorder r = new FlightRecorder(store, StreamFrames::header, DropNames.NONE, () -> now,
                () -> START_MILLIS + now / 1_000_000, new FlightLimits(maxBytes, retainMillis, 0, 5, budget),
                log::add);
        r.start();
        return r;
    }

    private DropEvent drop(long location, int reason, long count) {
        return event.set(now, 0, DropOrigin.SOFTWARE, location, reason, DropSink.NO_STACK, count);
    }

    private long retained() throws Exception {
        long sum = 0;
        for (String n : store.files.keySet()) {
            sum += store.read(n).drops();
        }
        return sum;
    }

    @Test
    void rotatesBySizeDeletesTheOldestAndKeepsExactCountsOfWhatRemains() throws Exception {
        FlightRecorder r = recorder(1 << 20, 24 * 3_600_000L, 0);
        long maxTotal = 0;
        // 200 s of 1000 drops a second, 52 bytes each: about 10 MiB through a 1 MiB store.
        long[] perSecond = new long[200];
        for (int s = 0; s < 200; s++) {
            for (int i = 0; i < 1000; i++) {
                now = s * NANOS + i * 1_000_000L;
                r.drop(drop(0xffffffff81000000L + i % 7, 2, 1));
                perSecond[s]++;
                if (i % 100 == 99) {
                    r.endPass();
                }
            }
            maxTotal = Math.max(maxTotal, store.list().stream().mapToLong(SegmentStore.Segment::bytes).sum());
        }
        r.close();
        assertTrue(store.deleted.size() > 5, "deleted " + store.deleted);
        assertTrue(maxTotal <= (1 << 20) + (1 << 20) / 16 + (1 << 20), "at most max-bytes and one segment: " + maxTotal);
        List<String> names = new ArrayList<>(store.files.keySet());
        assertTrue(store.deleted.get(0).compareTo(names.get(0)) < 0, "the oldest went first");
        for (String n : names) {
            assertTrue(store.read(n).result().complete(), n + " ends with its end record");
        }
        // A segment is opened at the end of a pass and named by that time: the retained drops are
        // exactly those after the first retained segment's name.
        long firstStart = FlightRecorder.startMillis(names.get(0)) - START_MILLIS;
        long expected = 0;
        for (int s = 0; s < 200; s++) {
            for (int i = 0; i < 1000; i++) {
                if (s * 1000L + i > firstStart) {
                    expected++;
                }
            }
        }
        assertEquals(expected, retained(), "first retained segment starts at +" + firstStart + " ms");
        assertEquals(names.size(), r.segments());
        assertEquals(store.list().stream().mapToLong(SegmentStore.Segment::bytes).sum(), r.bytes());
    }

    @Test
    void rotatesByAgeAndDeletesWhatIsOlderThanRetain() throws Exception {
        // Retain 160 s: segments of 10 s (1/16).
        FlightRecorder r = recorder(1L << 30, 160_000, 0);
        for (int s = 0; s < 400; s++) {
            now = s * NANOS;
            r.drop(drop(0xffffffff81000000L, 2, 3));
            r.endPass();
        }
        r.close();
        List<String> names = new ArrayList<>(store.files.keySet());
        long last = START_MILLIS + 399_000;
        for (int i = 1; i < names.size(); i++) {
            long span = FlightRecorder.startMillis(names.get(i)) - FlightRecorder.startMillis(names.get(i - 1));
            assertEquals(10_000, span, names.toString());
        }
        // The oldest kept segment ends within --retain of now; the one before it, deleted, did not.
        assertTrue(last - FlightRecorder.startMillis(names.get(1)) <= 160_000, names.toString());
        assertTrue(last - FlightRecorder.startMillis(names.get(0)) > 160_000 - 10_000, names.toString());
        assertFalse(store.deleted.isEmpty());
        long firstSecond = (FlightRecorder.startMillis(names.get(0)) - START_MILLIS) / 1000;
        // Each second's pass (after its drop) opens the next segment: it holds the drops after its name.
        assertEquals(3 * (399 - firstSecond), retained());
    }

    @Test
    void belowTheFloorItStopsWithOneLineAndResumesWhenSpaceReturns() throws Exception {
        FlightRecorder r = recorder(1L << 30, 3_600_000, 0);
        store.total = 1000_000;
        store.usable = 900_000;
        long written = 0;
        for (int s = 0; s < 30; s++) {
            now = s * NANOS;
            if (s == 10) {
                store.usable = 40_000;
            }
            if (s == 20) {
                store.usable = 900_000;
            }
            r.drop(drop(0xffffffff81000000L, 2, 1));
            r.endPass();
            if (s < 10 || s > 20) {
                written++;
            }
        }
        r.close();
        assertEquals(2, log.size(), log.toString());
        assertTrue(log.get(0).startsWith("flight recorder stopped: memory has 40000 bytes free, below the floor of"
                + " 50000"), log.get(0));
        assertTrue(log.get(1).startsWith("flight recorder resumed"), log.get(1));
        assertEquals(2, store.files.size());
        // The second that found the floor was recorded before the check; the one that found space again is.
        assertEquals(written + 1, retained());
    }

    @Test
    void dropsOverTheBudgetAreCountedExactlyPerLocationAndReason() throws Exception {
        FlightRecorder r = recorder(1L << 30, 3_600_000, 100);
        long sent = 0;
        for (int s = 0; s < 5; s++) {
            for (int i = 0; i < 10_000; i++) {
                now = s * NANOS + i * 50_000L;
                r.drop(drop(0xffffffff81000000L + i % 3, i % 2, 1));
                sent++;
                if (i % 1000 == 0) {
                    r.endPass();
                }
            }
        }
        r.close();
        assertEquals(1, store.files.size());
        MemoryStore.Read read = store.read(store.files.keySet().iterator().next());
        assertEquals(sent, read.drops(), "every drop counted");
        assertEquals(5 * 100 + 5 * 6, read.result().events(), "100 one by one a second, then one per key");
        assertEquals(5 * 6, read.counted());
        assertEquals(sent - 500, r.countedEvents());
    }
}
