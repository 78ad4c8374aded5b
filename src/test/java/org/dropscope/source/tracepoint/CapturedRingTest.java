// SPDX-License-Identifier: Apache-2.0
package org.dropscope.source.tracepoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.dropscope.aggregate.DropAggregator;
import org.dropscope.aggregate.Snapshot;
import org.dropscope.event.DropSink;
import org.dropscope.ksym.KallsymsParser;
import org.dropscope.ksym.KernelSymbol;
import org.dropscope.ksym.SymbolTable;
import org.dropscope.perf.PerfConstants;
import org.dropscope.perf.PerfRing;
import org.dropscope.perf.RingImage;
import org.dropscope.perf.SampleFormat;
import org.dropscope.tracefs.DropReasons;
import org.dropscope.tracefs.KfreeSkbLayout;
import org.dropscope.tracefs.TracepointFormat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Decodes the ring images captured from a real 6.18 kernel (src/test/resources/fixtures/perf,
 * see the .md sidecars) and checks the counts against what the sidecar says was generated: every
 * datagram to the closed port is one NO_SOCKET drop in {@code __udp4_lib_rcv}, every datagram
 * the full socket did not take is one SOCKET_RCVBUFF drop in {@code udp_queue_rcv_one_skb}.
 * Locations resolve with the kallsyms snapshot of the same boot.
 */
class CapturedRingTest {
    private static final String RAW = "kfree_skb-6.18-udp-raw";
    private static final String CALLCHAIN = "kfree_skb-6.18-udp-callchain";
    private static final String GROUP = "kfree_skb-6.18-group";
    private static final Pattern ROW = Pattern.compile("(?m)^\\| ([\\w.]+) \\| (\\d+) \\|$");

    private static KfreeSkbLayout layout;
    private static DropReasons reasons;
    private static SymbolTable symbols;

    @BeforeAll
    static void readFixtures() throws Exception {
        TracepointFormat format = TracepointFormat.parse(new StringReader(
                new String(resource("/fixtures/tracefs/linux-6.18.44-kfree_skb.format"), StandardCharsets.UTF_8)));
        layout = KfreeSkbLayout.from(format);
        reasons = DropReasons.from(format);
        try (Reader r = new InputStreamReader(new GZIPInputStream(CapturedRingTest.class.getClassLoader()
                .getResourceAsStream("kallsyms-fixtures/linux-6.18-x86_64.kallsyms.gz")), StandardCharsets.US_ASCII)) {
            symbols = KallsymsParser.parse(r);
        }
    }

    @Test
    void rawImageHasOneDropPerLostDatagram() {
        Decoded d = decode(RAW, PerfConstants.PERF_SAMPLE_RAW);
        assertEquals(expectedByPlace(d.generated), countsByPlace(d.snapshot));
        assertEquals(DropSink.NO_STACK, d.snapshot.rows().get(0).stackId());
    }

    @Test
    void callchainImageHasTheSameDropsAndTheirKernelStacks() {
        Decoded d = decode(CALLCHAIN, PerfConstants.PERF_SAMPLE_CALLCHAIN | PerfConstants.PERF_SAMPLE_RAW);
        assertEquals(expectedByPlace(d.generated), countsByPlace(d.snapshot));
        for (Snapshot.Row row : d.snapshot.rows()) {
            assertNotEquals(DropSink.NO_STACK, row.stackId());
            long[] chain = d.aggregator.stacks().chain(row.stackId());
            // The innermost frame is the function that fires the tracepoint; the drop location is
            // its return address, so it is the next frame.
            assertEquals("sk_skb_reason_drop", symbols.resolve(chain[0]).name());
            assertEquals(row.location(), chain[1]);
            for (long ip : chain) {
                assertNotNull(symbols.resolve(ip), () -> "frame 0x" + Long.toHexString(ip) + " does not resolve");
            }
        }
        assertTrue(d.aggregator.stacks().size() >= 2, "one stack per drop site at least");
    }

    /**
     * A counting group's ring, with the full-buffer key handed to counter 1 half way: the samples
     * of sampler 0 (both kinds, first round) and sampler 1 (closed port only, second round) plus
     * counter 1's final count are exactly the namespace's drops, and no sample is a duplicate (the
     * capture's one thread sent nothing while handing over).
     */
    @Test
    void groupImageWithAHandOverCountsEveryDropOnce() {
        byte[] image = resource("/fixtures/perf/" + GROUP + ".bin");
        Map<String, Long> g = sidecar(GROUP);
        assertEquals(g.get("bytes"), image.length);
        // The capacity the capture was made with: its group read holds 2 * capacity + 2 values.
        HotKeys hot = new HotKeys((int) (g.get("group.0") - 2) / 2, 1, 2);
        long[] ids = new long[hot.capacity() + 1];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = g.get("sampler." + i + ".id");
        }
        hot.samplers(1, ids);
        assertEquals(1, hot.promoteKey(g.get("key.location"), g.get("key.reason").intValue()));
        hot.handedOver();
        DropAggregator agg = new DropAggregator(2, 64, 16);
        KfreeSkbDecoder decoder = new KfreeSkbDecoder(
                KfreeSkbDecoder.Config.of(TracepointSetup.HOT_SAMPLE_FORMAT, layout).countingHotKeys(hot));
        RingImage img = new RingImage(Integer.highestOneBit((image.length + RingImage.PAGE - 1) / RingImage.PAGE) * 2);
        ByteBuffer group = ByteBuffer.allocate(8 * (hot.groupSize() + 1)).order(ByteOrder.nativeOrder());
        for (int i = 0; i <= hot.groupSize(); i++) {
            group.putLong(8 * i, g.get("group." + i));
        }
        replay(img, image, decoder, agg, writer -> hot.emitCounts(1, group, writer));
        assertEquals(0, decoder.malformed());
        assertEquals(0, hot.duplicates());
        // The capture's leader matched nothing ("skbaddr == 0"), so the samplers' counts say
        // what reached the ring.
        long taken = 0;
        for (int s = 0; s <= hot.capacity(); s++) {
            taken += group.getLong(8 + 8 * HotKeys.samplerIndex(s));
        }
        assertEquals(taken, decoder.samplesRead(), "every drop a sampler took is a sample in the image");
        Map<String, Long> expected = new TreeMap<>();
        expected.put("__udp4_lib_rcv NO_SOCKET", g.get("snmp.Udp.NoPorts"));
        expected.put("udp_queue_rcv_one_skb SOCKET_RCVBUFF", g.get("snmp.Udp.RcvbufErrors"));
        assertEquals(expected, countsByPlace(agg.snapshot()));
        assertEquals(g.get("noport.sent"), g.get("snmp.Udp.NoPorts"));
    }

    private record Decoded(Map<String, Long> generated, DropAggregator aggregator, Snapshot snapshot) {
    }

    /** Replays the image through a PerfRing whose data area ends 24 bytes into it, so it wraps. */
    private static Decoded decode(String name, long sampleType) {
        byte[] image = resource("/fixtures/perf/" + name + ".bin");
        Map<String, Long> generated = sidecar(name);
        assertEquals(generated.get("bytes"), image.length);
        int pages = Integer.highestOneBit((image.length + RingImage.PAGE - 1) / RingImage.PAGE) * 2;
        RingImage img = new RingImage(pages).startAt((long) pages * RingImage.PAGE - 24);
        DropAggregator agg = new DropAggregator(2, 64, 16);
        KfreeSkbDecoder decoder = new KfreeSkbDecoder(
                KfreeSkbDecoder.Config.of(new SampleFormat(sampleType), layout).withStacks(agg.stacks()));
        replay(img, image, decoder, agg, writer -> { });
        assertEquals(img.head(), img.tail());
        assertEquals(0, decoder.malformed());
        assertEquals(0, decoder.throttled());
        Snapshot s = agg.snapshot();
        assertEquals(generated.get("records"), s.cpuEventsDelta(1));
        assertEquals(0, s.lostTotal());
        assertEquals(0, s.overflowTotal());
        return new Decoded(generated, agg, s);
    }

    /**
     * Writes the image into {@code img}, drains it as CPU 1 in one writer batch, and lets
     * {@code more} add to the batch (a counting group's counter values).
     */
    private static void replay(RingImage img, byte[] image, KfreeSkbDecoder decoder, DropAggregator agg,
            Consumer<DropSink> more) {
        try (PerfRing ring = new PerfRing(img.mapping(), RingImage.PAGE)) {
            img.write(image);
            DropSink writer = agg.newWriter();
            decoder.bind(1, writer);
            writer.begin();
            assertEquals(image.length, ring.drain(decoder, Integer.MAX_VALUE));
            more.accept(writer);
            writer.end();
            assertEquals(0, ring.corrupt());
        }
    }

    /** What the generator caused, from the sidecar: symbol and reason name to drops. */
    private static Map<String, Long> expectedByPlace(Map<String, Long> g) {
        // The sidecar's own numbers must agree before they can be expected of the decoder.
        assertEquals(g.get("noport.sent"), g.get("snmp.Udp.NoPorts"));
        assertEquals(g.get("rcvbuf.sent") - g.get("rcvbuf.delivered"), g.get("snmp.Udp.RcvbufErrors"));
        assertEquals(g.get("records"), g.get("snmp.Udp.NoPorts") + g.get("snmp.Udp.RcvbufErrors"));
        Map<String, Long> m = new TreeMap<>();
        m.put("__udp4_lib_rcv NO_SOCKET", g.get("snmp.Udp.NoPorts"));
        m.put("udp_queue_rcv_one_skb SOCKET_RCVBUFF", g.get("snmp.Udp.RcvbufErrors"));
        return m;
    }

    private static Map<String, Long> countsByPlace(Snapshot s) {
        Map<String, Long> m = new TreeMap<>();
        for (Snapshot.Row r : s.rows()) {
            KernelSymbol sym = symbols.resolve(r.location());
            assertNotNull(sym, () -> "location 0x" + Long.toHexString(r.location()) + " does not resolve");
            m.merge(sym.name() + " " + reasons.name(r.reason()), r.delta(), Long::sum);
        }
        return m;
    }

    /** The "| key | value |" rows of the sidecar's Generated table. */
    private static Map<String, Long> sidecar(String name) {
        String md = new String(resource("/fixtures/perf/" + name + ".md"), StandardCharsets.UTF_8);
        Map<String, Long> m = new LinkedHashMap<>();
        Matcher matcher = ROW.matcher(md);
        while (matcher.find()) {
            m.put(matcher.group(1), Long.parseUnsignedLong(matcher.group(2)));
        }
        return m;
    }

    private static byte[] resource(String path) {
        try (InputStream in = CapturedRingTest.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
