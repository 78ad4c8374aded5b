// SPDX-License-Identifier: Apache-2.0
package org.dropscope.source.tracepoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dropscope.aggregate.DropAggregator;
import org.dropscope.event.DropEvent;
import org.dropscope.event.DropEventSink;
import org.dropscope.event.DropSink;
import org.dropscope.perf.FakePerfSyscalls;
import org.dropscope.perf.PerfConstants;
import org.dropscope.perf.PerfEventAttr;
import org.dropscope.perf.SampleFormat;
import org.dropscope.record.RecordHeader;
import org.dropscope.source.SourceException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hot keys counted in the kernel while recording: a cold drop is recorded with its own sample
 * time and stack; a counted key's drops are recorded as one event of the count each hand-on
 * found, at the time of the read that found them (a counter's stack sample: its own time; a read
 * of the counts: the reader's clock) and with the key's last sampled stack, as the aggregator
 * gets them; the file's totals equal the counters'. Capacity 2: group values leader, S0..S2,
 * C1..C2.
 */
class RecordedHotKeysTest {
    private static final long UDP_QUEUE = KfreeSkbRecords.UDP_QUEUE;
    private static final long[] SAMPLERS = {101, 102, 103};
    private static final long[] COUNTERS = {201, 202};
    private static final int CPU = 1;
    private static final long[] COLD = {0xffffffff81000010L, 0xffffffff81000020L};
    private static final long[] HOT = {0xffffffff81000100L, 0xffffffff81000200L};

    private final List<DropEvent> recorded = new ArrayList<>();
    private HotKeys hot;
    private DropAggregator agg;
    private KfreeSkbDecoder dec;

    private final DropEventSink recorder = new DropEventSink() {
        @Override
        public void drop(DropEvent event) {
            recorded.add(event.copy());
        }

        @Override
        public void lost(long timeNanos, int cpu, long count) {
        }

        @Override
        public void endPass() {
        }
    };

    /** What {@code record -g} opens: stacks, timestamps, hot keys from 1000 drops/s, 1 stack in 1000. */
    private static TracepointSetup recording() throws SourceException {
        return FakeTracepoint.setup(new TracepointOptions(1, true, FakeTracepoint.POLL_MILLIS, null, true, 1000,
                1000), 1);
    }

    @BeforeEach
    void promoteOneKey() throws SourceException {
        hot = new HotKeys(2, 1000, 4);
        hot.samplers(CPU, SAMPLERS);
        hot.counters(CPU, COUNTERS);
        agg = new DropAggregator(4, 64, 16);
        dec = new KfreeSkbDecoder(KfreeSkbDecoder.Config.of(recording().hotSampleFormat(),
                KfreeSkbRecords.LOCATION, KfreeSkbRecords.REASON, KfreeSkbRecords.PROTOCOL)
                .withStacks(agg.stacks()).recording(recorder).countingHotKeys(hot));
        assertEquals(1, hot.promoteKey(UDP_QUEUE, KfreeSkbRecords.RCVBUFF));
        hot.handedOver();
    }

    /** Group values with S1's and C1's counts. */
    private static long[] group(long s1, long c1) {
        return new long[] {0, 0, s1, 0, c1, 0};
    }

    /** What CountingStream does after each drain: the counts read, handed on as of {@code readNanos}. */
    private void readCounts(long c1, long readNanos) {
        DropSink w = agg.newWriter();
        dec.bind(CPU, w);
        w.begin();
        hot.emitCounts(CPU, KfreeSkbRecords.groupRead(group(0, c1)), dec.countedAt(readNanos));
        w.end();
    }

    private long[] chain(DropEvent e) {
        return e.stackId() == DropSink.NO_STACK ? null : agg.stacks().chain(e.stackId());
    }

    @Test
    void coldDropsKeepTheirOwnTimeAndCountedOnesTheReadsTimeAndLastStack() {
        readCounts(300, 5_000);                  // counted before any stack sample: no stack yet
        KfreeSkbRecords.drain(dec, agg, CPU,
                KfreeSkbRecords.timedGroupStackSample(SAMPLERS[1], 6_000, group(1, 300), COLD,
                        KfreeSkbRecords.UDP_RCV, KfreeSkbRecords.NO_SOCKET),
                KfreeSkbRecords.timedGroupStackSample(COUNTERS[0], 7_000, group(1, 1000), HOT, UDP_QUEUE, KfreeSkbRecords.RCVBUFF));
        readCounts(1500, 8_000);
        readCounts(1500, 9_000);                 // nothing new: no event

        assertEquals(4, recorded.size(), recorded.toString());
        DropEvent first = recorded.get(0);
        assertEquals(5_000, first.timeNanos());
        assertEquals(300, first.count());
        assertEquals(UDP_QUEUE, first.location());
        assertEquals(KfreeSkbRecords.RCVBUFF, first.reason());
        assertNull(chain(first), "no stack sampled before it");

        DropEvent cold = recorded.get(1);
        assertEquals(6_000, cold.timeNanos(), "a cold drop's own sample time");
        assertEquals(1, cold.count());
        assertEquals(KfreeSkbRecords.UDP_RCV, cold.location());
        assertEquals(0x0800, cold.protocol());
        assertArrayEquals(COLD, chain(cold));

        DropEvent stack = recorded.get(2);
        assertEquals(7_000, stack.timeNanos(), "the stack sample's group read is as of its own time");
        assertEquals(700, stack.count());
        assertArrayEquals(HOT, chain(stack));

        DropEvent rest = recorded.get(3);
        assertEquals(8_000, rest.timeNanos(), "the read's time");
        assertEquals(500, rest.count());
        assertArrayEquals(HOT, chain(rest), "the key's last sampled stack");

        long inFile = recorded.stream().mapToLong(DropEvent::count).sum();
        assertEquals(1501, inFile, "every drop: the cold one and the counter's 1,500");
        assertEquals(inFile, agg.snapshot().dropsTotal(), "the file and the live counts agree");
    }

    @Test
    void aRecordingsGroupCarriesTimeOnTheMonotonicClock() throws SourceException {
        TracepointSetup setup = recording();
        SampleFormat f = setup.hotSampleFormat();
        assertEquals(TracepointSetup.HOT_STACK_SAMPLE_FORMAT.sampleType() | PerfConstants.PERF_SAMPLE_TIME,
                f.sampleType());
        // IDENTIFIER, then TIME, then the group read: perf_event_open(2)'s order.
        assertEquals(PerfConstants.PERF_EVENT_HEADER_SIZE + 8, f.timeOffset());
        assertEquals(PerfConstants.PERF_EVENT_HEADER_SIZE + 16, f.variableOffset());
        // PERF_EVENT_IOC_SET_OUTPUT wants one clock in a ring: the leader's and every member's.
        for (ByteBuffer attr : List.of(setup.groupLeaderAttr(), setup.groupSamplerAttr(), setup.groupCounterAttr())) {
            ByteBuffer a = attr.order(ByteOrder.nativeOrder());
            assertTrue((a.getLong(PerfEventAttr.OFFSET_FLAGS) & (1L << PerfEventAttr.BIT_USE_CLOCKID)) != 0);
            assertEquals(1, a.getInt(PerfEventAttr.OFFSET_CLOCKID), "CLOCK_MONOTONIC");
        }
        assertTrue(setup.options().countsHotKeys(), "recording counts hot keys too");
        assertEquals(TracepointSetup.HOT_SAMPLE_FORMAT.sampleType(),
                FakeTracepoint.setup(FakeTracepoint.counting(10), 1).hotSampleFormat().sampleType(),
                "without timestamps no time");
    }

    /** The record file's header says which events are counted, and how stacks were taken. */
    @Test
    void aRecordingSourceSaysItsEventsAreCounted() throws SourceException {
        TracepointOptions options = recording().options();
        try (TracepointSource source = FakeTracepoint.open(options, 2, new FakePerfSyscalls())) {
            Map<String, String> p = source.facts().properties();
            assertEquals("counted in the kernel from 1000 drops/s: such events carry the drops counted between two"
                    + " reads, at the read's time", p.get(RecordHeader.HOT_KEYS_PROPERTY));
            assertEquals("cold keys every drop, hot keys 1 in 1000", p.get(RecordHeader.STACKS_PROPERTY));
        }
        TracepointOptions every = new TracepointOptions(1, true, FakeTracepoint.POLL_MILLIS, null, true, 0);
        try (TracepointSource source = FakeTracepoint.open(every, 2, new FakePerfSyscalls())) {
            Map<String, String> p = source.facts().properties();
            assertNull(p.get(RecordHeader.HOT_KEYS_PROPERTY), "--hot-threshold 0: every drop its own event");
            assertEquals(RecordHeader.STACKS_OF_EVERY_DROP, p.get(RecordHeader.STACKS_PROPERTY));
        }
    }

    /**
     * A recording session's counting group on a fake CPU 1: the leader and S0 counted 10 drops,
     * the ring holds 7 timed samples and a LOST record for the rest. The file gets the 7 drops at
     * their own times and the 3 losses the group's counts show, as the live counts do.
     */
    @Test
    void theLossesTheCountsShowAreRecordedToo() throws Exception {
        FakePerfSyscalls perf = new FakePerfSyscalls();
        List<Long> lost = new ArrayList<>();
        DropEventSink file = new DropEventSink() {
            @Override
            public void drop(DropEvent event) {
                recorded.add(event.copy());
            }

            @Override
            public void lost(long timeNanos, int cpu, long count) {
                lost.add(count);
            }

            @Override
            public void endPass() {
            }
        };
        TracepointOptions options = new TracepointOptions(1, false, FakeTracepoint.POLL_MILLIS, null, true, 1000);
        try (TracepointSource source = FakeTracepoint.open(options, 2, perf)) {
            List<FakePerfSyscalls.FakeEvent> group = perf.events(CPU);
            long[] values = new long[2 * TracepointOptions.HOT_KEYS + 2];
            for (int i = 1; i <= 7; i++) {
                values[1] = i;
                group.get(0).ring().write(KfreeSkbRecords.timedGroupSample(group.get(1).eventId(), 1000 * i, values,
                        KfreeSkbRecords.UDP_RCV, KfreeSkbRecords.NO_SOCKET));
            }
            group.get(0).ring().write(KfreeSkbRecords.lost(3));
            group.get(0).count(10);
            group.get(1).count(10);
            assertTrue(source.recordTo(file));
            DropAggregator live = new DropAggregator(source.cpus(), 64, 16);
            source.start(live);
            source.stop();
            assertEquals(3, live.snapshot().cpuLostTotal(CPU));
        }
        assertEquals(List.of(1000L, 2000L, 3000L, 4000L, 5000L, 6000L, 7000L),
                recorded.stream().map(DropEvent::timeNanos).toList(), "each drop at its sample's time");
        assertEquals(3, lost.stream().mapToLong(Long::longValue).sum(), "losses in the file: " + lost);
    }

    @Test
    void noThresholdSamplesEveryDropWithItsOwnTime() throws SourceException {
        TracepointOptions every = new TracepointOptions(1, true, FakeTracepoint.POLL_MILLIS, null, true, 0);
        assertEquals(false, every.countsHotKeys());
        assertNull(every.hotKeysNote(every.countsHotKeys()));
        assertEquals("every drop", every.stackSampling(every.countsHotKeys()));
        SampleFormat f = FakeTracepoint.setup(every, 1).sampleFormat();
        assertTrue(f.timeOffset() > 0 && f.hasCallchain());
    }
}
