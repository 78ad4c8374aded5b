// SPDX-License-Identifier: Apache-2.0
package org.dropscope.source.tracepoint;

import static org.dropscope.source.tracepoint.KfreeSkbRecords.sample;
import static org.dropscope.source.tracepoint.KfreeSkbRecords.timedSample;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.dropscope.aggregate.DropAggregator;
import org.dropscope.aggregate.Snapshot;
import org.dropscope.event.DropEvent;
import org.dropscope.event.DropEventSink;
import org.dropscope.event.DropSink;
import org.dropscope.perf.PerfConstants;
import org.dropscope.perf.PerfRing;
import org.dropscope.perf.RingImage;
import org.dropscope.perf.SampleFormat;
import org.junit.jupiter.api.Test;

class KfreeSkbDecoderTest {
    // Linux 6.11+ layout: skbaddr@8 location@16 rx_sk@24 protocol@32 reason@36, 40 bytes.
    private static final int LOC = 16;
    private static final int PROTOCOL = 32;
    private static final int REASON = 36;
    private static final long UDP_RCV = 0xffffffff81c3a9a2L;

    @Test
    void countsSamplesAndLostRecordsPerCpu() {
        DropAggregator agg = new DropAggregator(2, 64, 16);
        KfreeSkbDecoder dec = raw();
        RingImage img = new RingImage(1).startAt(RingImage.PAGE - 64);  // second record wraps
        try (PerfRing ring = new PerfRing(img.mapping(), RingImage.PAGE)) {
            img.write(sample(UDP_RCV, 3));
            img.write(sample(UDP_RCV, 3));
            img.write(new RingImage.Rec(PerfConstants.PERF_RECORD_LOST).u64(42).u64(1000).bytes());
            img.write(sample(UDP_RCV + 0x100, 6));
            img.write(new RingImage.Rec(PerfConstants.PERF_RECORD_LOST_SAMPLES).u64(5).bytes());
            DropSink w = agg.newWriter();
            dec.bind(1, w);
            w.begin();
            ring.drain(dec, Integer.MAX_VALUE);
            w.end();
        }
        Snapshot s = agg.snapshot();
        assertEquals(3, s.cpuEventsDelta(1));
        assertEquals(1005, s.cpuLostDelta(1));
        assertEquals(0, s.cpuEventsDelta(0));
        assertEquals(2, s.rows().size());
        for (Snapshot.Row r : s.rows()) {
            if (r.location() == UDP_RCV) {
                assertEquals(3, r.reason());
                assertEquals(2, r.delta());
            } else {
                assertEquals(UDP_RCV + 0x100, r.location());
                assertEquals(6, r.reason());
                assertEquals(1, r.delta());
            }
        }
        assertEquals(0, dec.malformed());
    }

    @Test
    void aRecordingDecoderHandsEverySampleWithItsTimeAndProtocolToTheRecorder() {
        DropAggregator agg = new DropAggregator(2, 64, 16);
        List<DropEvent> recorded = new ArrayList<>();
        long[] lost = new long[1];
        KfreeSkbDecoder dec = new KfreeSkbDecoder(KfreeSkbDecoder.Config
                .of(new SampleFormat(PerfConstants.PERF_SAMPLE_TIME | PerfConstants.PERF_SAMPLE_RAW), LOC, REASON, PROTOCOL)
                .recording(new DropEventSink() {
                    @Override
                    public void drop(DropEvent event) {
                        recorded.add(event.copy());
                    }

                    @Override
                    public void lost(long timeNanos, int cpu, long count) {
                        lost[0] += count;
                    }

                    @Override
                    public void endPass() {
                    }
                }));
        RingImage img = new RingImage(1);
        try (PerfRing ring = new PerfRing(img.mapping(), RingImage.PAGE)) {
            img.write(timedSample(123_456_789L, UDP_RCV, 3, 0x0800));
            img.write(timedSample(123_456_999L, UDP_RCV + 4, 6, 0x86dd));
            img.write(new RingImage.Rec(PerfConstants.PERF_RECORD_LOST).u64(42).u64(7).bytes());
            DropSink w = agg.newWriter();
            dec.bind(1, w);
            w.begin();
            ring.drain(dec, Integer.MAX_VALUE);
            w.end();
        }
        assertEquals(2, agg.snapshot().cpuEventsDelta(1), "counted as before");
        assertEquals(2, recorded.size());
        DropEvent first = recorded.get(0);
        assertEquals(123_456_789L, first.timeNanos());
        assertEquals(1, first.cpu());
        assertEquals(UDP_RCV, first.location());
        assertEquals(3, first.reason());
        assertEquals(0x0800, first.protocol());
        assertEquals(0x86dd, recorded.get(1).protocol());
        assertEquals(6, recorded.get(1).reason());
        assertEquals(7, lost[0]);
    }

    /** What the sample format cannot serve is refused when the decoder is made, not at the first record. */
    @Test
    void aConfigurationTheFormatCannotServeIsRefusedAtConstruction() {
        KfreeSkbDecoder.Config raw = KfreeSkbDecoder.Config.of(new SampleFormat(PerfConstants.PERF_SAMPLE_RAW), LOC,
                REASON, PROTOCOL);
        DropEventSink recorder = new DropEventSink() {
            @Override
            public void drop(DropEvent event) {
            }

            @Override
            public void lost(long timeNanos, int cpu, long count) {
            }

            @Override
            public void endPass() {
            }
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new KfreeSkbDecoder(raw.recording(recorder)));
        assertEquals("recording needs PERF_SAMPLE_TIME in the sample_type", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new KfreeSkbDecoder(raw.countingHotKeys(new HotKeys(1, 1, 1))));
        assertEquals("hot keys need IDENTIFIER and a group read", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new KfreeSkbDecoder(KfreeSkbDecoder.Config.of(
                new SampleFormat(PerfConstants.PERF_SAMPLE_CALLCHAIN | PerfConstants.PERF_SAMPLE_RAW), LOC, REASON,
                PROTOCOL)));
        assertEquals("call chains need a stack table", e.getMessage());
    }

    private static KfreeSkbDecoder raw() {
        return new KfreeSkbDecoder(
                KfreeSkbDecoder.Config.of(new SampleFormat(PerfConstants.PERF_SAMPLE_RAW), LOC, REASON, PROTOCOL));
    }

    @Test
    void layoutWithoutReasonGivesNoReason() {
        // Before 5.17: skbaddr@8 location@16 protocol@24.
        DropAggregator agg = new DropAggregator(1, 64, 16);
        KfreeSkbDecoder dec = new KfreeSkbDecoder(KfreeSkbDecoder.Config.of(new SampleFormat(PerfConstants.PERF_SAMPLE_RAW), 16, -1, 24));
        RingImage img = new RingImage(1);
        try (PerfRing ring = new PerfRing(img.mapping(), RingImage.PAGE)) {
            img.write(new RingImage.Rec(PerfConstants.PERF_RECORD_SAMPLE)
                    .u32(28)                 // raw size: 26-byte entry + 2 padding
                    .u64(0)                  // common fields
                    .u64(0xffff888000000000L) // skbaddr
                    .u64(UDP_RCV)            // location
                    .u16(0x86dd).u16(0)      // protocol, padding
                    .bytes());
            DropSink w = agg.newWriter();
            dec.bind(0, w);
            w.begin();
            ring.drain(dec, Integer.MAX_VALUE);
            w.end();
        }
        List<Snapshot.Row> rows = agg.snapshot().rows();
        assertEquals(1, rows.size());
        assertEquals(DropSink.NO_REASON, rows.get(0).reason());
        assertEquals(UDP_RCV, rows.get(0).location());
    }

    @Test
    void kernelCallchainIsInternedWithoutMarkers() {
        DropAggregator agg = new DropAggregator(1, 64, 16);
        SampleFormat fmt = new SampleFormat(PerfConstants.PERF_SAMPLE_CALLCHAIN | PerfConstants.PERF_SAMPLE_RAW);
        KfreeSkbDecoder dec = new KfreeSkbDecoder(KfreeSkbDecoder.Config.of(fmt, LOC, REASON, PROTOCOL).withStacks(agg.stacks()));
        long[] frames = {0xffffffff81000100L, 0xffffffff81000200L, 0xffffffff81000300L};
        RingImage img = new RingImage(1);
        try (PerfRing ring = new PerfRing(img.mapping(), RingImage.PAGE)) {
            for (int i = 0; i < 2; i++) {
                byte[] raw = sample(UDP_RCV, 3);
                RingImage.Rec rec = new RingImage.Rec(PerfConstants.PERF_RECORD_SAMPLE)
                        .u64(4)                          // nr
                        .u64(PerfConstants.PERF_CONTEXT_KERNEL)  // marker
                        .u64(frames[0]).u64(frames[1]).u64(frames[2]);
                // append the RAW part of the plain sample (everything after its 8-byte header)
                for (int b = 8; b < raw.length; b += 4) {
                    rec.u32((raw[b] & 0xff) | (raw[b + 1] & 0xff) << 8 | (raw[b + 2] & 0xff) << 16 | raw[b + 3] << 24);
                }
                img.write(rec.bytes());
            }
            DropSink w = agg.newWriter();
            dec.bind(0, w);
            w.begin();
            ring.drain(dec, Integer.MAX_VALUE);
            w.end();
        }
        List<Snapshot.Row> rows = agg.snapshot().rows();
        assertEquals(1, rows.size());
        assertEquals(2, rows.get(0).delta());
        assertArrayEquals(frames, agg.stacks().chain(rows.get(0).stackId()));
    }

    /** A CALLCHAIN | RAW sample: the kernel marker, {@code frames}, then the RAW part of {@link #sample}. */
    private static byte[] chainSample(long location, int reason, long... frames) {
        byte[] raw = sample(location, reason);
        RingImage.Rec rec = new RingImage.Rec(PerfConstants.PERF_RECORD_SAMPLE)
                .u64(frames.length + 1)
                .u64(PerfConstants.PERF_CONTEXT_KERNEL);
        for (long f : frames) {
            rec.u64(f);
        }
        for (int b = 8; b < raw.length; b += 4) {
            rec.u32((raw[b] & 0xff) | (raw[b + 1] & 0xff) << 8 | (raw[b + 2] & 0xff) << 16 | raw[b + 3] << 24);
        }
        return rec.bytes();
    }

    @Test
    void alternatingCallchainsKeepTheirOwnStacks() {
        DropAggregator agg = new DropAggregator(1, 64, 16);
        SampleFormat fmt = new SampleFormat(PerfConstants.PERF_SAMPLE_CALLCHAIN | PerfConstants.PERF_SAMPLE_RAW);
        KfreeSkbDecoder dec = new KfreeSkbDecoder(KfreeSkbDecoder.Config.of(fmt, LOC, REASON, PROTOCOL).withStacks(agg.stacks()));
        long[] a = {0xffffffff81000100L, 0xffffffff81000200L};
        long[] b = {0xffffffff81000100L, 0xffffffff81000200L, 0xffffffff81000300L};  // a with one more frame
        long[] c = {0xffffffff81000100L, 0xffffffff81000280L};                       // a's length, other frame
        RingImage img = new RingImage(1);
        try (PerfRing ring = new PerfRing(img.mapping(), RingImage.PAGE)) {
            for (long[] chain : new long[][] {a, a, b, a, c, c, a}) {
                img.write(chainSample(UDP_RCV, 3, chain));
            }
            DropSink w = agg.newWriter();
            dec.bind(0, w);
            w.begin();
            ring.drain(dec, Integer.MAX_VALUE);
            w.end();
        }
        assertEquals(3, agg.stacks().size());
        long[] seen = new long[3];
        for (Snapshot.Row r : agg.snapshot().rows()) {
            long[] chain = agg.stacks().chain(r.stackId());
            int which = Arrays.equals(chain, a) ? 0 : Arrays.equals(chain, b) ? 1 : 2;
            assertArrayEquals(new long[][] {a, b, c}[which], chain);
            seen[which] += r.delta();
        }
        assertArrayEquals(new long[] {4, 1, 2}, seen);
    }

    @Test
    void truncatedSamplesAreCountedNotDecoded() {
        DropAggregator agg = new DropAggregator(1, 64, 16);
        KfreeSkbDecoder dec = raw();
        drainAsCpu0(new RingImage(1), dec, agg,
                new RingImage.Rec(PerfConstants.PERF_RECORD_SAMPLE).u32(20).zeros(20).bytes(),    // raw too short
                new RingImage.Rec(PerfConstants.PERF_RECORD_SAMPLE).u32(400).zeros(20).bytes(),   // raw size past end
                sample(UDP_RCV, 3));
        assertEquals(2, dec.malformed());
        assertEquals(1, agg.snapshot().dropsDelta());
    }

    /**
     * Found with PerfRingFuzzTest: a LOST record of the header alone, ending the data area, was read
     * 16 bytes past its end (IndexOutOfBoundsException); inside the ring, its count was the next
     * record's bytes.
     */
    @Test
    void lostRecordsTooShortForTheirCountAreMalformedNotReadPastTheirEnd() {
        DropAggregator agg = new DropAggregator(1, 64, 16);
        KfreeSkbDecoder dec = raw();
        drainAsCpu0(new RingImage(1).startAt(RingImage.PAGE - 16), dec, agg,
                new RingImage.Rec(PerfConstants.PERF_RECORD_LOST_SAMPLES).bytes(),
                new RingImage.Rec(PerfConstants.PERF_RECORD_LOST).bytes(),    // ends the data area
                new RingImage.Rec(PerfConstants.PERF_RECORD_LOST).u64(42).bytes(),
                sample(UDP_RCV, 3));
        assertEquals(3, dec.malformed());
        assertEquals(0, dec.lostReported());
        Snapshot s = agg.snapshot();
        assertEquals(0, s.cpuLostDelta(0));
        assertEquals(1, s.dropsDelta());
    }

    /** Writes {@code records} into {@code img} and drains them through {@code dec} as CPU 0. */
    private static void drainAsCpu0(RingImage img, KfreeSkbDecoder dec, DropAggregator agg, byte[]... records) {
        try (PerfRing ring = new PerfRing(img.mapping(), RingImage.PAGE)) {
            for (byte[] r : records) {
                img.write(r);
            }
            DropSink w = agg.newWriter();
            dec.bind(0, w);
            w.begin();
            ring.drain(dec, Integer.MAX_VALUE);
            w.end();
        }
    }
}
