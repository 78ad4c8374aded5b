// SPDX-License-Identifier: Apache-2.0
package org.dropscope.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.dropscope.aggregate.DropAggregator;
import org.dropscope.aggregate.Snapshot;
import org.dropscope.event.DropOrigin;
import org.dropscope.event.DropSink;
import org.dropscope.event.ReasonNames;
import org.dropscope.record.SourceKind;
import org.junit.jupiter.api.Test;

class IntervalSessionTest {
    /** Writes 5 drops at start and 7 more while stopping (what a ring still held). */
    private static final class Source implements DropSource {
        final AtomicInteger stops = new AtomicInteger();
        final AtomicInteger closes = new AtomicInteger();
        boolean failStop;
        private DropSink writer;

        @Override
        public String description() {
            return "test";
        }

        @Override
        public ReasonNames reasons() {
            return ReasonNames.NONE;
        }

        @Override
        public int cpus() {
            return 1;
        }

        @Override
        public SourceFacts facts() {
            return new SourceFacts(SourceKind.TRACEPOINT, description(), cpus(), EventClock.CLOCK_MONOTONIC, null,
                    Map.of());
        }

        @Override
        public void start(DropAggregator aggregator) {
            writer = aggregator.newWriter();
            count(5);
        }

        @Override
        public void stop() throws SourceException {
            stops.incrementAndGet();
            count(7);
            if (failStop) {
                throw new SourceException(SourceException.Kind.SYSTEM, "stop failed");
            }
        }

        private void count(long n) {
            writer.begin();
            writer.drop(0, DropOrigin.SOFTWARE, 0x1234, DropSink.NO_REASON, DropSink.NO_STACK, n);
            writer.end();
        }

        @Override
        public Map<String, Long> counters() {
            return Map.of();
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }

    private record Delivered(long total, boolean last) {
    }

    @Test
    void tickLimitEndsWithALastSnapshotTakenAfterTheSourceStopped() throws Exception {
        Source source = new Source();
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
        Source source = new Source();
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
        Source source = new Source();
        source.failStop = true;
        List<Snapshot> seen = new ArrayList<>();
        IntervalSession session = new IntervalSession(source, 600_000, 0, (s, last) -> seen.add(s));
        session.start();
        SourceException e = assertThrows(SourceException.class, session::stop);
        assertEquals("stop failed", e.getMessage());
        assertEquals(1, seen.size());
        assertEquals(1, source.closes.get());
    }
}
