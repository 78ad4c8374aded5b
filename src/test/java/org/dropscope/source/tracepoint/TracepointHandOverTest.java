// SPDX-License-Identifier: Apache-2.0
package org.dropscope.source.tracepoint;

import static org.dropscope.source.tracepoint.KfreeSkbRecords.UDP_RCV;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.dropscope.aggregate.DropAggregator;
import org.dropscope.aggregate.Snapshot;
import org.dropscope.event.DropSink;
import org.dropscope.nativeio.Errno;
import org.dropscope.perf.FakePerfSyscalls;
import org.dropscope.perf.FakePerfSyscalls.Call;
import org.dropscope.perf.FakePerfSyscalls.FakeEvent;
import org.dropscope.perf.RingImage;
import org.dropscope.record.RecordHeader;
import org.dropscope.source.SourceException;
import org.dropscope.source.SourceFilter;
import org.junit.jupiter.api.Test;

/**
 * A hot key's hand-over from sampling to counting, across a whole session on two fake CPUs: the
 * reader promotes the key that passed the threshold in a window of its clock (stepped a second
 * per reading here), prepares every CPU's counter and next sampler, then on each CPU enables the
 * counter and the next sampler before it disables the old sampler; what the counters count
 * reaches the aggregator. A refused filter takes the key back; a refused enable ends the reader.
 * The rules for the samples themselves are {@link HotKeysTest}'s.
 */
class TracepointHandOverTest {
    private static final int CPUS = 2;
    private static final long SECOND = 1_000_000_000L;
    private static final long UDP_QUEUE = 0xffffffff81c3b000L;
    private static final int NO_SOCKET = 3;
    private static final int RCVBUFF = 6;
    private static final String KEY = "location == 0xffffffff81c3b000 && reason == 6";
    /** Promoted from 10 samples in a window of a second. */
    private static final long THRESHOLD = 10;
    private static final String KEPT = "keys counted in the kernel";
    private static final String REFUSED = "hand-overs the kernel refused";

    private final FakePerfSyscalls perf = new FakePerfSyscalls();
    private final AtomicLong now = new AtomicLong();

    private TracepointSource open() throws SourceException {
        return open(FakeTracepoint.counting(THRESHOLD));
    }

    private TracepointSource open(TracepointOptions options) throws SourceException {
        return TracepointSource.open(FakeTracepoint.setup(options, CPUS), perf, () -> now.getAndAdd(SECOND));
    }

    /** A sampler's sample: its id, the group's values, a drop of (location, reason). */
    private interface SampleWriter {
        byte[] sample(long id, long[] group, long location, int reason);
    }

    private FakeEvent sampler(int cpu, int g) {
        return perf.events(cpu).get(1 + g);
    }

    private FakeEvent counter(int cpu, int j) {
        return perf.events(cpu).get(1 + TracepointOptions.HOT_KEYS + j);
    }

    /**
     * Before the session starts: CPU 0's S0 sampled 12 drops of the hot key and 3 others, CPU
     * 1's 5 of the hot key; their counts and the leaders' say so, so that nothing is lost.
     */
    private void sampleBeforeStart() {
        sampleBeforeStart(KfreeSkbRecords::groupSample, 3, 0);
    }

    /** {@link #sampleBeforeStart()} with {@code others} drops of the other key on each CPU (a fake ring holds 18 samples). */
    private void sampleBeforeStart(int... others) {
        sampleBeforeStart(KfreeSkbRecords::groupSample, others);
    }

    private void sampleBeforeStart(SampleWriter writer, int... others) {
        int[] hot = {12, 5};
        for (int cpu = 0; cpu < CPUS; cpu++) {
            RingImage ring = perf.events(cpu).get(0).ring();
            long id = sampler(cpu, 0).eventId();
            int n = 0;
            for (int i = 0; i < hot[cpu]; i++) {
                ring.write(writer.sample(id, s0(++n), UDP_QUEUE, RCVBUFF));
            }
            for (int i = 0; i < others[cpu]; i++) {
                ring.write(writer.sample(id, s0(++n), UDP_RCV, NO_SOCKET));
            }
            sampler(cpu, 0).count(n);
            perf.events(cpu).get(0).count(n);
        }
    }

    /** Runs the session until the key is promoted; then C1 counts 7 on CPU 0 and 2 on CPU 1 before it stops. */
    private Snapshot countAfterTheHandOver(TracepointSource source, DropAggregator agg) throws Exception {
        source.start(agg);
        await(() -> source.counters().get(KEPT) == 1, "the key promoted");
        counter(0, 1).count(7);
        counter(1, 1).count(2);
        // The leaders count every drop: the samples' and the counters'.
        perf.events(0).get(0).count(15 + 7);
        perf.events(1).get(0).count(5 + 2);
        source.stop();
        return agg.snapshot();
    }

    /** A group read in which S0 has counted {@code n} and nothing else anything. */
    private static long[] s0(long n) {
        long[] v = new long[2 * TracepointOptions.HOT_KEYS + 2];
        v[1] = n;
        return v;
    }

    @Test
    void aHotKeyIsPreparedOnEveryCpuThenHandedOverCounterFirst() throws Exception {
        Snapshot snapshot;
        try (TracepointSource source = open()) {
            sampleBeforeStart();
            snapshot = countAfterTheHandOver(source, new DropAggregator(source.cpus(), 64, 16));
            assertEquals(0L, source.counters().get(REFUSED));
        }
        List<String> log = perf.log();
        int lastPrepared = -1;
        int firstEnabled = Integer.MAX_VALUE;
        for (int cpu = 0; cpu < CPUS; cpu++) {
            assertEquals(KEY, counter(cpu, 1).filter());
            assertEquals("!((" + KEY + "))", sampler(cpu, 1).filter());
            assertTrue(counter(cpu, 1).enabled() && sampler(cpu, 1).enabled(), "C1 and S1 on CPU " + cpu);
            assertFalse(sampler(cpu, 0).enabled(), "S0 on CPU " + cpu);
            for (int other = 2; other <= TracepointOptions.HOT_KEYS; other++) {
                assertFalse(counter(cpu, other).enabled() || sampler(cpu, other).enabled(), "spare events");
                assertNull(counter(cpu, other).filter());
            }
            int c1 = log.indexOf("ENABLE " + counter(cpu, 1).fd());
            int s1 = log.indexOf("ENABLE " + sampler(cpu, 1).fd());
            int s0 = log.indexOf("DISABLE " + sampler(cpu, 0).fd());
            assertTrue(0 <= c1 && c1 < s1 && s1 < s0, "counter, then next sampler, then old sampler off: " + log);
            lastPrepared = Math.max(lastPrepared,
                    log.indexOf("SET_FILTER " + sampler(cpu, 1).fd() + " !((" + KEY + "))"));
            firstEnabled = Math.min(firstEnabled, c1);
        }
        assertTrue(lastPrepared < firstEnabled, "every CPU prepared before any enable: " + log);
        assertEquals(12 + 5 + 7 + 2, total(snapshot, UDP_QUEUE, RCVBUFF), "samples, then the counters' counts");
        assertEquals(3, total(snapshot, UDP_RCV, NO_SOCKET));
        assertEquals(0, snapshot.lostTotal());
        assertEquals(List.of(), perf.leaks());
    }

    /**
     * Once a key is counted, its drops write nothing to the ring: a flush with every ring empty
     * still wakes the reader, whose pass reads the counts before the snapshot.
     */
    @Test
    void aFlushReadsTheCountersOfAPromotedKeyThoughTheRingsAreEmpty() throws Exception {
        try (TracepointSource source = open()) {
            sampleBeforeStart();
            DropAggregator agg = new DropAggregator(source.cpus(), 64, 16);
            source.start(agg);
            await(() -> source.counters().get(KEPT) == 1, "the key promoted");
            int polls = perf.polls();
            // Two polls later the pass after the hand-over has ended.
            await(() -> perf.polls() >= polls + 2, "a pass after the hand-over");
            counter(0, 1).count(7);
            perf.events(0).get(0).count(15 + 7);
            int signals = perf.signals();

            source.flush();

            assertEquals(signals + 1, perf.signals());
            assertEquals(12 + 5 + 7, total(agg.snapshot(), UDP_QUEUE, RCVBUFF));
            source.stop();
        }
        assertEquals(List.of(), perf.leaks());
    }

    /** Both keys pass the floor by the first pass: one hand-over, busiest first, one sampler spent. */
    @Test
    void keysDueTogetherAreHandedOverTogether() throws Exception {
        String other = "location == 0xffffffff81c3a9a2 && reason == 3";
        try (TracepointSource source = open()) {
            sampleBeforeStart(4, HotKeys.MIN_SAMPLES - 4);
            source.start(new DropAggregator(source.cpus(), 64, 16));
            await(() -> source.counters().get(KEPT) == 2, "both keys promoted");
            source.stop();
        }
        List<String> log = perf.log();
        for (int cpu = 0; cpu < CPUS; cpu++) {
            assertEquals(KEY, counter(cpu, 1).filter());
            assertEquals(other, counter(cpu, 2).filter());
            assertEquals("!((" + KEY + ") || (" + other + "))", sampler(cpu, 1).filter());
            assertNull(sampler(cpu, 2).filter(), "one sampler for both keys");
            int c1 = log.indexOf("ENABLE " + counter(cpu, 1).fd());
            int c2 = log.indexOf("ENABLE " + counter(cpu, 2).fd());
            int s1 = log.indexOf("ENABLE " + sampler(cpu, 1).fd());
            int s0 = log.indexOf("DISABLE " + sampler(cpu, 0).fd());
            assertTrue(0 <= c1 && c1 < c2 && c2 < s1 && s1 < s0, "counters, next sampler, old sampler off: " + log);
        }
        assertEquals(List.of(), perf.leaks());
    }

    /**
     * With stacks the keys are counted too: every sample has its call chain, and the counters,
     * opened with the same sample format, send their stack samples to the leader's ring. Their
     * counts before a first stack sample have no stack; the session says how stacks are taken.
     */
    @Test
    void withStacksHotKeysAreCountedAndTheCountersWriteStackSamplesToTheLeadersRing() throws Exception {
        long[] frames = {0xffffffff81000010L, 0xffffffff81000020L};
        Snapshot snapshot;
        DropAggregator agg;
        try (TracepointSource source = open(FakeTracepoint.countingWithStacks(THRESHOLD, 1000))) {
            assertTrue(source.description().endsWith(", kernel stacks (cold keys every drop, hot keys 1 in 1000)"),
                    source.description());
            assertEquals("cold keys every drop, hot keys 1 in 1000", source.stackSampling());
            assertEquals("cold keys every drop, hot keys 1 in 1000",
                    source.facts().properties().get(RecordHeader.STACKS_PROPERTY));
            sampleBeforeStart((id, group, location, reason) ->
                    KfreeSkbRecords.groupStackSample(id, group, frames, location, reason), 3, 0);
            agg = new DropAggregator(source.cpus(), 64, 16);
            snapshot = countAfterTheHandOver(source, agg);
            assertEquals(0L, source.counters().get("stack samples of counted keys"));
        }
        for (int cpu = 0; cpu < CPUS; cpu++) {
            FakeEvent leader = perf.events(cpu).get(0);
            for (int j = 1; j <= TracepointOptions.HOT_KEYS; j++) {
                assertEquals(leader, counter(cpu, j).output(), "C" + j + " writes to the leader's ring");
                assertEquals(TracepointSetup.HOT_STACK_SAMPLE_FORMAT.sampleType(), counter(cpu, j).sampleType());
            }
            assertEquals(TracepointSetup.HOT_STACK_SAMPLE_FORMAT.sampleType(), sampler(cpu, 0).sampleType());
        }
        assertEquals(12 + 5 + 7 + 2, total(snapshot, UDP_QUEUE, RCVBUFF));
        long sampled = snapshot.rows().stream().filter(r -> r.location() == UDP_QUEUE)
                .filter(r -> r.stackId() != DropSink.NO_STACK)
                .peek(r -> assertArrayEquals(frames, agg.stacks().chain(r.stackId())))
                .mapToLong(Snapshot.Row::total).sum();
        assertEquals(12 + 5, sampled, "the sampled drops with their stack, the counted ones without one yet");
        assertEquals(0, snapshot.lostTotal());
        assertEquals(List.of(), perf.leaks());
    }

    @Test
    void theUsersKernelFilterStaysOnTheCounterAndTheNextSampler() throws Exception {
        try (TracepointSource source = open()) {
            String kernel = source.filter(SourceFilter.parse("reason == SOCKET_RCVBUFF", null));
            assertEquals("reason == 6", kernel);
            sampleBeforeStart();
            source.start(new DropAggregator(source.cpus(), 64, 16));
            await(() -> source.counters().get(KEPT) == 1, "the key promoted");
            source.stop();
        }
        for (int cpu = 0; cpu < CPUS; cpu++) {
            assertEquals("reason == 6", sampler(cpu, 0).filter());
            assertEquals("(reason == 6) && " + KEY, counter(cpu, 1).filter());
            assertEquals("(reason == 6) && !((" + KEY + "))", sampler(cpu, 1).filter());
        }
        assertEquals(List.of(), perf.leaks());
    }

    /** The counters cannot apply what only user space tests: with such a filter every drop is sampled. */
    @Test
    void aUserSpaceFilterKeepsEveryKeySampled() throws Exception {
        try (TracepointSource source = open()) {
            assertNull(source.filter(SourceFilter.parse("cpu == 0", null)));
            sampleBeforeStart();
            source.start(new DropAggregator(source.cpus(), 64, 16));
            // Three polls begun: two passes ended, enough for a window to close and a key to move.
            await(() -> perf.polls() >= 3, "two passes of the reader");
            source.stop();
            assertEquals(0L, source.counters().get(KEPT));
        }
        for (int cpu = 0; cpu < CPUS; cpu++) {
            assertNull(counter(cpu, 1).filter());
            assertFalse(perf.log().contains("DISABLE " + sampler(cpu, 0).fd()), "S0 never disabled on CPU " + cpu);
        }
        assertEquals(List.of(), perf.leaks());
    }

    /** CPU 1 refuses its counter's filter: CPU 0's prepared events stay off, S0 samples on, no more tries. */
    @Test
    void aRefusedFilterTakesTheKeyBackOnEveryCpu() throws Exception {
        // CPU 1's first SET_FILTER: C1's when the key is handed over (no user filter, none at open).
        perf.fail(Call.SET_FILTER, 1, 1, Errno.EINVAL);
        Snapshot snapshot;
        try (TracepointSource source = open()) {
            sampleBeforeStart();
            DropAggregator agg = new DropAggregator(source.cpus(), 64, 16);
            source.start(agg);
            await(() -> source.counters().get(REFUSED) == 1, "the hand-over refused");
            int polls = perf.polls();
            await(() -> perf.polls() >= polls + 3, "more passes of the reader");
            source.stop();
            snapshot = agg.snapshot();
            assertEquals(0L, source.counters().get(KEPT));
        }
        assertEquals(KEY, counter(0, 1).filter(), "prepared on CPU 0 before CPU 1 refused");
        for (int cpu = 0; cpu < CPUS; cpu++) {
            assertFalse(counter(cpu, 1).enabled() || sampler(cpu, 1).enabled(), "nothing enabled on CPU " + cpu);
            assertFalse(perf.log().contains("DISABLE " + sampler(cpu, 0).fd()), "S0 never disabled on CPU " + cpu);
        }
        assertEquals(12 + 5, total(snapshot, UDP_QUEUE, RCVBUFF));
        assertEquals(List.of(), perf.leaks());
    }

    @Test
    void aRefusedEnableEndsTheReaderAndStopSaysSo() throws Exception {
        // CPU 1's ENABLEs: S0 and the leader at start, then C1 at the hand-over.
        perf.fail(Call.ENABLE, 1, 3, Errno.EIO);
        try (TracepointSource source = open()) {
            sampleBeforeStart();
            source.start(new DropAggregator(source.cpus(), 64, 16));
            await(() -> perf.log().contains("SET_FILTER " + sampler(1, 1).fd() + " !((" + KEY + "))"), "prepared");
            SourceException e = assertThrows(SourceException.class, source::stop);
            assertEquals(SourceException.Kind.SYSTEM, e.kind());
            assertTrue(e.getMessage().contains("handing a hot key to a counting event on CPU 1 failed"), e.getMessage());
        }
        assertEquals(List.of(), perf.leaks());
    }

    private static long total(Snapshot s, long location, int reason) {
        return s.rows().stream().filter(r -> r.location() == location && r.reason() == reason)
                .mapToLong(Snapshot.Row::total).sum();
    }

    /** Waits, a bounded while, for the reader thread to get there. */
    private static void await(BooleanSupplier done, String what) throws InterruptedException {
        for (int i = 0; i < 2000 && !done.getAsBoolean(); i++) {
            Thread.sleep(5);
        }
        assertTrue(done.getAsBoolean(), what);
    }
}
