// SPDX-License-Identifier: Apache-2.0
package org.dropscope.source.tracepoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.dropscope.aggregate.DropAggregator;
import org.dropscope.aggregate.Snapshot;
import org.dropscope.event.DropSink;
import org.dropscope.perf.PerfConstants;
import org.dropscope.perf.PerfRing;
import org.dropscope.perf.RingImage;
import org.dropscope.perf.SampleFormat;
import org.dropscope.testing.FuzzTarget;
import org.dropscope.testing.Fuzzing;

/**
 * Fuzz target: a ring image (the bytes the kernel wrote into a perf data area, as in
 * {@link CapturedRingTest}) drained through {@link PerfRing} into the {@code skb:kfree_skb}
 * decoder. Input: byte 0 picks the sample_type (bit 0: with call chains), bytes 1-2 where in the
 * ring the image starts (so records wrap at every offset), the rest is the image.
 * Oracle: nothing may be thrown (the ring holds what it holds: bad records are counted, as
 * corrupt by the ring and malformed by the decoder); the whole image is given back to the kernel;
 * no more drops are counted than samples were read.
 */
public class PerfRingFuzzTest extends FuzzTarget {
    private static final int PAGES = 4;
    private static final int HEADER = 3;
    /** The 6.18 layout of the captured images (linux-6.18.44-kfree_skb.format): location at 16, reason at 36. */
    private static final int LOCATION = 16;
    private static final int REASON = 36;

    @Override
    public List<byte[]> seeds() {
        return Stream.of("kfree_skb-6.18-udp-raw", "kfree_skb-6.18-udp-callchain", "kfree_skb-6.18-group")
                .flatMap(n -> {
                    byte[] image = Fuzzing.resource("/fixtures/perf/" + n + ".bin", PAGES * RingImage.PAGE - 64);
                    return Stream.of(Fuzzing.concat(new byte[] {n.endsWith("callchain") ? (byte) 1 : 0, 24, 0}, image),
                            Fuzzing.concat(new byte[] {n.endsWith("callchain") ? (byte) 1 : 0, 0, 0}, image));
                }).toList();
    }

    @Override
    public void fuzzOne(byte[] data) {
        if (data.length < HEADER) {
            return;
        }
        boolean callchain = (data[0] & 1) != 0;
        int back = 8 * ((data[1] & 0xff) | (data[2] & 0xff) << 8) % (PAGES * RingImage.PAGE);
        byte[] image = Arrays.copyOfRange(data, HEADER, Math.min(data.length, HEADER + PAGES * RingImage.PAGE));
        long sampleType = callchain ? PerfConstants.PERF_SAMPLE_CALLCHAIN | PerfConstants.PERF_SAMPLE_RAW
                : PerfConstants.PERF_SAMPLE_RAW;
        RingImage img = new RingImage(PAGES).startAt((long) PAGES * RingImage.PAGE - back);
        DropAggregator agg = new DropAggregator(2, 64, 16);
        KfreeSkbDecoder decoder = new KfreeSkbDecoder(
                KfreeSkbDecoder.Config.of(new SampleFormat(sampleType), LOCATION, REASON, -1).withStacks(agg.stacks()));
        try (PerfRing ring = new PerfRing(img.mapping(), RingImage.PAGE)) {
            img.write(image);
            DropSink writer = agg.newWriter();
            decoder.bind(1, writer);
            writer.begin();
            assertEquals(image.length, ring.drain(decoder, Integer.MAX_VALUE), "the whole image is consumed");
            writer.end();
            assertEquals(img.head(), img.tail(), "the whole image is given back");
        }
        Snapshot s = agg.snapshot();
        long counted = s.rows().stream().mapToLong(Snapshot.Row::delta).sum();
        assertTrue(counted <= decoder.samplesRead(), () -> counted + " drops of " + decoder.samplesRead() + " samples");
    }
}
