// SPDX-License-Identifier: Apache-2.0
package org.dropscope.source.tracepoint;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.dropscope.aggregate.DropAggregator;
import org.dropscope.aggregate.Snapshot;
import org.dropscope.event.DropSink;
import org.dropscope.perf.PerfEventAttr;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Stacks while hot keys are counted ({@link HotKeys#stackSample}), through {@link KfreeSkbDecoder}
 * over crafted ring images in {@link TracepointSetup#HOT_STACK_SAMPLE_FORMAT}: a sampler's sample
 * is one drop with its own stack; a counter's sample is no drop, but the stack of the drops its
 * count in the sample adds, and of those counted after it until the next. Every key's total stays
 * what its counter counted. Capacity 2: group values leader, S0..S2, C1..C2.
 */
class HotKeyStacksTest {
    private static final long UDP_QUEUE = 0xffffffff81c3b000L;
    private static final int RCVBUFF = 6;
    private static final int NO_SOCKET = 3;
    private static final long[] SAMPLERS = {101, 102, 103};
    private static final long[] COUNTERS = {201, 202};
    private static final int CPU = 1;
    private static final int OTHER_CPU = 2;
    private static final long[] COLD = {0xffffffff81000010L, 0xffffffff81000020L};
    private static final long[] HOT_A = {0xffffffff81000100L, 0xffffffff81000200L};
    private static final long[] HOT_B = {0xffffffff81000300L, 0xffffffff81000200L};

    private HotKeys hot;
    private DropAggregator agg;
    private KfreeSkbDecoder dec;

    @BeforeEach
    void promoteOneKey() {
        hot = new HotKeys(2, 1000, 4);
        for (int cpu : new int[] {CPU, OTHER_CPU}) {
            hot.samplers(cpu, SAMPLERS);
            hot.counters(cpu, COUNTERS);
        }
        agg = new DropAggregator(4, 64, 16);
        dec = new KfreeSkbDecoder(KfreeSkbDecoder.Config.of(TracepointSetup.HOT_STACK_SAMPLE_FORMAT,
                KfreeSkbRecords.LOCATION, KfreeSkbRecords.REASON, KfreeSkbRecords.PROTOCOL)
                .withStacks(agg.stacks()).countingHotKeys(hot));
        assertEquals(1, hot.promoteKey(UDP_QUEUE, RCVBUFF));
        hot.handedOver();
    }

    /** Group values with S1's and C1's counts; S0 stopped at 0 (nothing sampled before). */
    private static long[] group(long s1, long c1) {
        return new long[] {0, 0, s1, 0, c1, 0};
    }

    private static byte[] counterSample(int j, long c1, long[] frames) {
        return KfreeSkbRecords.groupStackSample(COUNTERS[j - 1], group(0, c1), frames, UDP_QUEUE, RCVBUFF);
    }

    private void drain(int cpu, byte[]... records) {
        KfreeSkbRecords.drain(dec, agg, cpu, records);
    }

    private void emitCounts(int cpu, long c1) {
        DropSink w = agg.newWriter();
        w.begin();
        hot.emitCounts(cpu, read(group(0, c1)), w);
        w.end();
    }

    /** Drops of one key per call chain, {@code []} for no stack. */
    private Map<String, Long> byStack(Snapshot s, long location) {
        Map<String, Long> m = new HashMap<>();
        for (Snapshot.Row r : s.rows()) {
            if (r.location() == location) {
                String key = r.stackId() == DropSink.NO_STACK ? "[]"
                        : Arrays.toString(agg.stacks().chain(r.stackId()));
                m.merge(key, r.total(), Long::sum);
            }
        }
        return m;
    }

    private static String chain(long[] frames) {
        return Arrays.toString(frames);
    }

    @Test
    void aCountersSamplesAttributeItsCountToTheirStacksAndAreNoDrops() {
        drain(CPU,
                KfreeSkbRecords.groupStackSample(SAMPLERS[1], group(1, 0), COLD, KfreeSkbRecords.UDP_RCV, NO_SOCKET),
                counterSample(1, 1000, HOT_A),
                counterSample(1, 2000, HOT_B));
        // 2,500 counted by the time the reader reads the group: the last 500 go to HOT_B.
        emitCounts(CPU, 2500);
        Snapshot s = agg.snapshot();
        assertEquals(Map.of(chain(HOT_A), 1000L, chain(HOT_B), 1500L), byStack(s, UDP_QUEUE));
        assertEquals(Map.of(chain(COLD), 1L), byStack(s, KfreeSkbRecords.UDP_RCV));
        assertEquals(2501, s.dropsTotal(), "the counter's samples are no drops of their own");
        assertEquals(2, dec.stackSamples());
        assertEquals(1, dec.samplesRead(), "only the sampler's sample is one the samplers' counts hold");
        // The leader counted all 2,501: the cold sample's drop and the counter's 2,500.
        assertEquals(0, hot.lost(CPU, hot.uncounted(read(new long[] {2501, 0, 1, 0, 2500, 0})), dec.samplesRead()),
                "nothing lost");
        assertEquals(0, dec.malformed());
    }

    @Test
    void aSampleTheCountsAlreadyPassedOnlyMovesTheStackAndTheTotalStaysExact() {
        emitCounts(CPU, 700);                              // before any stack sample: no stack
        drain(CPU, counterSample(1, 600, HOT_A));          // written before that read, drained after
        emitCounts(CPU, 900);
        drain(CPU, counterSample(1, 1000, HOT_B));
        emitCounts(CPU, 1000);
        Snapshot s = agg.snapshot();
        assertEquals(Map.of("[]", 700L, chain(HOT_A), 200L, chain(HOT_B), 100L), byStack(s, UDP_QUEUE));
        assertEquals(1000, s.dropsTotal());
    }

    @Test
    void eachCpuKeepsItsOwnLastStack() {
        drain(CPU, counterSample(1, 1000, HOT_A));
        emitCounts(CPU, 1200);
        emitCounts(OTHER_CPU, 300);
        Snapshot s = agg.snapshot();
        assertEquals(Map.of(chain(HOT_A), 1200L, "[]", 300L), byStack(s, UDP_QUEUE));
    }

    @Test
    void aSampleOfACounterNotYetPromotedIsMalformedAndCountsNothing() {
        drain(CPU, KfreeSkbRecords.groupStackSample(COUNTERS[1], group(0, 0), HOT_A, UDP_QUEUE, RCVBUFF));
        assertEquals(1, dec.malformed());
        assertEquals(0, agg.snapshot().dropsTotal());
    }

    @Test
    void theSamplersAndCountersWriteOneFormatWithCallChains() throws Exception {
        TracepointSetup stacks = FakeTracepoint.setup(FakeTracepoint.countingWithStacks(10, 1000), 1);
        assertEquals(TracepointSetup.HOT_STACK_SAMPLE_FORMAT, stacks.hotSampleFormat());
        long sampleType = TracepointSetup.HOT_STACK_SAMPLE_FORMAT.sampleType();
        assertEquals(sampleType, field(stacks.groupSamplerAttr(), PerfEventAttr.OFFSET_SAMPLE_TYPE));
        assertEquals(sampleType, field(stacks.groupCounterAttr(), PerfEventAttr.OFFSET_SAMPLE_TYPE));
        assertEquals(1, field(stacks.groupSamplerAttr(), PerfEventAttr.OFFSET_SAMPLE_PERIOD));
        assertEquals(1000, field(stacks.groupCounterAttr(), PerfEventAttr.OFFSET_SAMPLE_PERIOD));
        TracepointSetup plain = FakeTracepoint.setup(FakeTracepoint.counting(10), 1);
        assertEquals(0, field(plain.groupCounterAttr(), PerfEventAttr.OFFSET_SAMPLE_PERIOD),
                "without stacks the counters only count");
        assertEquals(0, field(plain.groupCounterAttr(), PerfEventAttr.OFFSET_SAMPLE_TYPE));
    }

    private static long field(ByteBuffer attr, int offset) {
        return attr.order(ByteOrder.nativeOrder()).getLong(offset);
    }

    private static ByteBuffer read(long[] group) {
        return KfreeSkbRecords.groupRead(group);
    }
}
