// SPDX-License-Identifier: Apache-2.0
package org.dropscope.source.tracepoint;

import static org.dropscope.source.tracepoint.KfreeSkbRecords.UDP_RCV;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.dropscope.aggregate.DropAggregator;
import org.dropscope.perf.FakePerfSyscalls;
import org.dropscope.perf.RingImage;
import org.junit.jupiter.api.Test;

/**
 * How often the ring reader wakes ({@link ReaderPace}): seldom while the rings stay empty, every
 * poll interval while drops come, and at once when a live view flushes it before a snapshot.
 * Over the fake perf calls, which log each poll's timeout; nothing here measures time.
 */
class TracepointIdleTest {
    private static final int NO_SOCKET = 3;
    private static final int CPUS = 2;
    /** Options whose reader, unwoken, sleeps a minute between passes. */
    private static final TracepointOptions SLEEPY = new TracepointOptions(1, false, 60_000, null, false, 0);

    @Test
    void whileTheRingsStayEmptyEachSleepIsTwiceTheLastUpToTheIdleTimeout() throws Exception {
        FakePerfSyscalls perf = new FakePerfSyscalls().timeoutAtOnce();
        List<Integer> timeouts = runUntilPolls(perf, null, 20);

        List<Integer> expected = new ArrayList<>();
        for (long t = FakeTracepoint.POLL_MILLIS; expected.size() < 20; t = Math.min(2 * t, ReaderPace.IDLE_MILLIS)) {
            expected.add((int) t);
        }
        assertEquals(expected, timeouts.subList(0, 20));
        assertEquals(ReaderPace.IDLE_MILLIS, timeouts.get(timeouts.size() - 1));
        assertEquals(List.of(), perf.leaks());
    }

    @Test
    void aPassThatReadsDropsBringsTheSleepBackToThePollInterval() throws Exception {
        FakePerfSyscalls perf = new FakePerfSyscalls().timeoutAtOnce();
        List<Integer> timeouts = runUntilPolls(perf, ring -> ring.write(KfreeSkbRecords.sample(UDP_RCV, NO_SOCKET)), 4);

        int p = FakeTracepoint.POLL_MILLIS;
        // The first pass reads the sample: the next sleep is the interval; then the rings are empty.
        assertEquals(List.of(p, p, 2 * p, 4 * p), timeouts.subList(0, 4));
        assertEquals(List.of(), perf.leaks());
    }

    /**
     * A drop below the wakeup watermark, while the reader sleeps for a minute: a snapshot taken
     * after {@code flush} has it, as a live view's next snapshot must. With every ring empty a
     * flush has nothing to wait for: it returns without waking the reader, which stays in its
     * first poll until drops are written.
     */
    @Test
    void flushDrainsTheRingsBeforeItReturnsWhileTheReaderSleepsAndWakesNobodyWhenTheyAreEmpty()
            throws Exception {
        FakePerfSyscalls perf = new FakePerfSyscalls();
        try (TracepointSource source = FakeTracepoint.open(SLEEPY, CPUS, perf)) {
            DropAggregator agg = new DropAggregator(source.cpus(), 64, 16);
            source.start(agg);
            awaitPolls(perf, 1);
            source.flush();
            source.flush();
            assertEquals(0, perf.signals());
            assertEquals(1, perf.polls(), "the reader still in its first poll");
            perf.events(1).get(0).ring().write(KfreeSkbRecords.sample(UDP_RCV, NO_SOCKET));
            perf.events(1).get(0).ring().write(KfreeSkbRecords.sample(UDP_RCV, NO_SOCKET));

            source.flush();

            assertEquals(2, agg.snapshot().cpuEventsTotal(1));
            assertEquals(1, perf.signals());
            source.flush();
            assertEquals(1, perf.signals(), "the pass emptied the ring");
            source.stop();
        }
        assertEquals(List.of(), perf.leaks());
    }

    /**
     * Counting hot keys, the leader's count tells of samples the ring could not take: the pass
     * that reads it passes them on at the next pass, so a flush after it wakes the reader
     * although the ring is empty, and the snapshot has the losses.
     */
    @Test
    void flushWakesTheReaderForLossesTheLastReadOfTheCountsShowed() throws Exception {
        FakePerfSyscalls perf = new FakePerfSyscalls();
        TracepointOptions sleepyCounting = new TracepointOptions(1, false, 60_000, null, false, 1_000_000);
        try (TracepointSource source = FakeTracepoint.open(sleepyCounting, CPUS, perf)) {
            FakePerfSyscalls.FakeEvent leader = perf.events(1).get(0);
            long s0 = perf.events(1).get(1).eventId();
            long[] group = new long[2 * TracepointOptions.HOT_KEYS + 2];
            for (int n = 1; n <= 2; n++) {
                group[1] = n;
                leader.ring().write(KfreeSkbRecords.groupSample(s0, group, UDP_RCV, NO_SOCKET));
            }
            // Five drops offered to the group, two samples written: three lost.
            leader.count(5);
            perf.events(1).get(1).count(5);
            DropAggregator agg = new DropAggregator(source.cpus(), 64, 16);
            source.start(agg);

            source.flush();
            assertEquals(0, agg.snapshot().lostTotal(), "known only from this pass's read");
            source.flush();

            assertEquals(2, perf.signals());
            assertEquals(3, agg.snapshot().lostTotal());
            source.stop();
        }
        assertEquals(List.of(), perf.leaks());
    }

    @Test
    void flushBeforeStartAndAfterStopReturnsAtOnce() throws Exception {
        FakePerfSyscalls perf = new FakePerfSyscalls();
        try (TracepointSource source = FakeTracepoint.open(SLEEPY, CPUS, perf)) {
            source.flush();
            source.start(new DropAggregator(source.cpus(), 64, 16));
            source.stop();
            source.flush();
            assertTrue(perf.polls() >= 1, "the reader ran");
        }
        assertEquals(List.of(), perf.leaks());
    }

    /** What a test writes into CPU 1's ring before the session starts. */
    private interface Fill {
        void into(RingImage ring);
    }

    /** Starts a session (its rings filled by {@code fill}), lets it poll {@code n} times, stops it. */
    private static List<Integer> runUntilPolls(FakePerfSyscalls perf, Fill fill, int n) throws Exception {
        try (TracepointSource source = FakeTracepoint.open(FakeTracepoint.sampling(), CPUS, perf)) {
            if (fill != null) {
                fill.into(perf.events(1).get(0).ring());
            }
            source.start(new DropAggregator(source.cpus(), 64, 16));
            awaitPolls(perf, n + 1);
            source.stop();
        }
        return perf.pollTimeouts();
    }

    private static void awaitPolls(FakePerfSyscalls perf, int n) throws InterruptedException {
        while (perf.polls() < n) {
            Thread.sleep(1);
        }
    }
}
