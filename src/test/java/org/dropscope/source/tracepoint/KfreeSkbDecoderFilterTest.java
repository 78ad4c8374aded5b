// SPDX-License-Identifier: Apache-2.0
package org.dropscope.source.tracepoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import org.dropscope.aggregate.DropAggregator;
import org.dropscope.aggregate.Snapshot;
import org.dropscope.event.DropEvent;
import org.dropscope.event.DropEventSink;
import org.dropscope.event.DropSink;
import org.dropscope.filter.FilterException;
import org.dropscope.ksym.Symbolizer;
import org.dropscope.names.DropNames;
import org.dropscope.perf.PerfConstants;
import org.dropscope.perf.PerfRing;
import org.dropscope.perf.RingImage;
import org.dropscope.perf.SampleFormat;
import org.dropscope.source.SourceFilter;
import org.junit.jupiter.api.Test;

/**
 * The user-space part of {@code --filter} on the tracepoint's reader thread: a rejected sample
 * reaches neither the aggregator nor the recorder, and testing allocates nothing.
 */
class KfreeSkbDecoderFilterTest {
    // Linux 6.11+ layout, as KfreeSkbDecoderTest: location@16 protocol@32 reason@36.
    private static final int LOC = 16;
    private static final int PROTOCOL = 32;
    private static final int REASON = 36;
    private static final long UDP_RCV = 0xffffffff81c3a9a2L;
    private static final int NO_SOCKET = 3;
    private static final int SOCKET_RCVBUFF = 6;
    private static final DropNames NAMES = DropNames.ofReasons(code -> code == NO_SOCKET ? "NO_SOCKET"
            : code == SOCKET_RCVBUFF ? "SOCKET_RCVBUFF" : null);

    /** One symbol, {@code __udp4_lib_rcv}, of 256 bytes from UDP_RCV. */
    private static Symbolizer symbols() {
        String kallsyms = Long.toHexString(UDP_RCV) + " T __udp4_lib_rcv\n" + Long.toHexString(UDP_RCV + 256)
                + " T udp_v4_early_demux\n";
        try {
            return new Symbolizer(() -> new StringReader(kallsyms), () -> null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Counts what reaches it, without allocating. */
    private static final class Counting implements DropEventSink {
        long drops;
        long wrongReason;

        @Override
        public void drop(DropEvent event) {
            drops++;
            if (event.reason() != NO_SOCKET || event.protocol() != 0x0800) {
                wrongReason++;
            }
        }

        @Override
        public void lost(long timeNanos, int cpu, long count) {
        }

        @Override
        public void endPass() {
        }
    }

    private static KfreeSkbDecoder decoder(String filter, DropAggregator agg, Counting recorder)
            throws FilterException {
        SourceFilter f = SourceFilter.parse(filter, symbols());
        return new KfreeSkbDecoder(KfreeSkbDecoder.Config
                .of(new SampleFormat(PerfConstants.PERF_SAMPLE_TIME | PerfConstants.PERF_SAMPLE_RAW), LOC, REASON, PROTOCOL)
                .recording(recorder).filtering(f.compile(f.expr(), NAMES)));
    }

    /** Writes one round of samples: 3 kept (NO_SOCKET, IPv4), 4 rejected, then drains them as CPU 1. */
    private static void round(RingImage img, PerfRing ring, KfreeSkbDecoder dec, DropSink w, byte[][] samples) {
        for (byte[] s : samples) {
            img.write(s);
        }
        dec.bind(1, w);
        w.begin();
        ring.drain(dec, Integer.MAX_VALUE);
        w.end();
    }

    private static byte[][] mixedSamples() {
        return new byte[][] {
            KfreeSkbRecords.timedSample(1, UDP_RCV, NO_SOCKET, 0x0800),
            KfreeSkbRecords.timedSample(2, UDP_RCV, SOCKET_RCVBUFF, 0x0800),
            KfreeSkbRecords.timedSample(3, UDP_RCV, NO_SOCKET, 0x86dd),
            KfreeSkbRecords.timedSample(4, UDP_RCV + 8, NO_SOCKET, 0x0800),
            KfreeSkbRecords.timedSample(5, UDP_RCV, SOCKET_RCVBUFF, 0x86dd),
            KfreeSkbRecords.timedSample(6, UDP_RCV, NO_SOCKET, 0x0800),
            KfreeSkbRecords.timedSample(7, UDP_RCV, 1, 0x0800),
        };
    }

    @Test
    void rejectedSamplesReachNeitherTheAggregatorNorTheRecorder() throws FilterException {
        DropAggregator agg = new DropAggregator(2, 64, 16);
        Counting recorder = new Counting();
        KfreeSkbDecoder dec = decoder("reason == no_socket && protocol == ipv4 && cpu == 1", agg, recorder);
        RingImage img = new RingImage(1);
        try (PerfRing ring = new PerfRing(img.mapping(), RingImage.PAGE)) {
            round(img, ring, dec, agg.newWriter(), mixedSamples());
        }
        Snapshot s = agg.snapshot();
        assertEquals(3, s.cpuEventsDelta(1), "counted: the NO_SOCKET IPv4 samples");
        for (Snapshot.Row r : s.rows()) {
            assertEquals(NO_SOCKET, r.reason(), "reason of a counted row");
        }
        assertEquals(3, recorder.drops, "recorded");
        assertEquals(0, recorder.wrongReason, "recorded events the filter rejects");
        assertEquals(4, dec.filtered(), "filtered out");
    }

    @Test
    void aFilterWithoutARecorderFiltersTheCountsAlone() throws FilterException {
        DropAggregator agg = new DropAggregator(2, 64, 16);
        KfreeSkbDecoder dec = decoder("cpu == 0", agg, null);
        RingImage img = new RingImage(1);
        try (PerfRing ring = new PerfRing(img.mapping(), RingImage.PAGE)) {
            round(img, ring, dec, agg.newWriter(), mixedSamples());
        }
        assertEquals(0, agg.snapshot().cpuEventsDelta(1), "CPU 1's samples, all rejected");
        assertEquals(7, dec.filtered());
    }

    @Test
    void filteringAllocatesNothingPerSample() throws FilterException {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        DropAggregator agg = new DropAggregator(2, 64, 16);
        Counting recorder = new Counting();
        KfreeSkbDecoder dec = decoder("reason =~ no_* && protocol == ipv4 && (cpu == 1 || symbol == __udp4_lib_rcv)", agg,
                recorder);
        byte[][] samples = mixedSamples();
        RingImage img = new RingImage(1);
        try (PerfRing ring = new PerfRing(img.mapping(), RingImage.PAGE)) {
            DropSink w = agg.newWriter();
            for (int i = 0; i < 2_000; i++) {
                round(img, ring, dec, w, samples);
            }
            long rounds = 20_000;
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < rounds; i++) {
                round(img, ring, dec, w, samples);
            }
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            // Not zero in total: the measurement itself allocates a little (about 1.5 KB here); one
            // byte per sample would be 140 KB. The reasons alternate, so names are compared anew.
            assertTrue(allocated < 8192, allocated + " bytes allocated over " + rounds * samples.length + " samples");
        }
        assertEquals(3 * 22_000L, recorder.drops);
        assertEquals(0, recorder.wrongReason);
    }
}
