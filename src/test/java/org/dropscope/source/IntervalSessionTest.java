// SPDX-License-Identifier: Apache-2.0
package org.dropscope.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.dropscope.aggregate.Snapshot;
import org.dropscope.event.DropSink;
import org.dropscope.testing.FakeSource;
import org.junit.jupiter.api.Test;

class IntervalSessionTest {
    /** Writes 5 drops at start and 7 more while stopping (what a ring still held). */
    private static FakeSource source() {
        return new FakeSource("test", 1).dropsAtStart(0, 0x1234, DropSink.NO_REASON, 5)
                .dropsAtStop(0, 0x1234, DropSink.NO_REASON, 7);
    }

    private record Delivered(long total, boolean last) {
    }

    @Test
    void tickLimitEndsWithALastSnapshotTakenAfterTheSourceStopped() throws Exception {
        FakeSource source = source();
        List<Delivered> seen = new ArrayList<>();
        IntervalSession session = new IntervalSession(source, 10, 3, (s, last) -> seen.add(new Delivered(s.dropsTotal(), last)));
        session.start();
        assertTrue(session.awaitEnd(10_000), "three ticks");
        session.stop();
        session.stop();
        assertEquals(3, seen.size(), seen.toString());
        assertEquals(new Delivered(12, true), seen.get(2));
        assertTrue(seen.subList(0, 2).stream().noneMatch(Delivered::last), seen.toString());
        assertEquals(1, source.stops.get());
        assertEquals(1, source.closes.get());
        assertEquals(12, session.lastSnapshot().dropsTotal());
    }

    @Test
    void stopBeforeAnyTickDeliversEverythingOnceAndReleases() throws Exception {
        FakeSource source = source();
        List<Snapshot> seen = new ArrayList<>();
        IntervalSession session = new IntervalSession(source, 600_000, 0, (s, last) -> seen.add(s));
        session.start();
        session.stop();
        session.stop();
        assertEquals(1, seen.size());
        assertEquals(12, seen.get(0).dropsTotal());
        assertEquals(1, source.closes.get());
        assertTrue(session.awaitEnd(0));
    }

    @Test
    void aFailedStopStillDeliversAndReleasesThenSaysSo() throws Exception {
        FakeSource source = source().failingStop("stop failed");
        List<Snapshot> seen = new ArrayList<>();
        IntervalSession session = new IntervalSession(source, 600_000, 0, (s, last) -> seen.add(s));
        session.start();
        SourceException e = assertThrows(SourceException.class, session::stop);
        assertEquals("stop failed", e.getMessage());
        assertEquals(1, seen.size());
        assertEquals(1, source.closes.get());
    }
}
