// SPDX-License-Identifier: Apache-2.0
package org.dropscope.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import org.dropscope.event.DropEvent;
import org.dropscope.event.DropOrigin;
import org.dropscope.event.DropSink;
import org.dropscope.ksym.KernelSymbol;
import org.dropscope.names.DropNames;
import org.junit.jupiter.api.Test;

class RecordRoundTripTest {
    @Test
    void eventsSymbolsStacksNamesAndLossesComeBackInOrder() throws IOException {
        byte[] file = RecordFixtures.small(5);
        RecordReader r = new RecordReader(new ByteArrayInputStream(file));
        assertEquals(RecordFixtures.tracepointHeader(), r.header());
        assertEquals(RecordFormat.MINOR, r.formatMinor());
        RecordFixtures.Collect c = new RecordFixtures.Collect();
        ReadResult result = r.read(c);

        assertTrue(result.complete(), () -> String.valueOf(result.damage()));
        assertEquals(5, result.events());
        assertEquals(5, result.drops());
        assertEquals(5, result.lost());
        assertEquals(3, result.blocks(), "2 events per block; the fifth, the lost record and the end marker share the last");
        assertEquals(List.of(new KernelSymbol("__udp4_lib_rcv", null, RecordFixtures.UDP_RCV, 0x1000),
                new KernelSymbol("udp_queue_rcv_one_skb", null, RecordFixtures.QUEUE_RCV, 0x400)), c.symbols);
        assertArrayEquals(new long[] {RecordFixtures.UDP_RCV_PC, RecordFixtures.QUEUE_RCV_PC}, c.stacks.get(7));
        assertEquals("NO_SOCKET", c.names.get("REASON:3"));
        assertEquals("SOCKET_RCVBUFF", c.names.get("REASON:6"));
        DropEvent first = c.events.get(0);
        assertEquals(2_000, first.timeNanos());
        assertEquals(0, first.cpu());
        assertEquals(RecordFixtures.UDP_RCV_PC, first.location());
        assertEquals(RecordFixtures.NO_SOCKET, first.reason());
        assertEquals(7, first.stackId());
        assertEquals(0x0800, first.protocol());
        DropEvent second = c.events.get(1);
        assertEquals(1, second.cpu());
        assertEquals(DropSink.NO_STACK, second.stackId());
        assertArrayEquals(new long[] {9_000, 1, 5}, c.lost.get(0));
    }

    @Test
    void netDmPacketFieldsHardwareTrapsAndPropertiesRoundTrip() throws IOException {
        byte[] file = RecordFixtures.record(RecordFixtures.netDmHeader(), RecordWriter.Limits.DEFAULT, (w, e) -> {
            w.drop(e.set(1_763_000_000_123_456_789L, 0, DropOrigin.SOFTWARE, RecordFixtures.UDP_RCV_PC,
                    RecordFixtures.NO_SOCKET, DropSink.NO_STACK, 1).packet(0x86dd, 0xfffffff0, 1514));
            w.drop(e.set(1_763_000_000_200_000_000L, 0, DropOrigin.HARDWARE, 0, DropSink.NO_REASON,
                    DropSink.NO_STACK, 42));
        });
        RecordReader r = new RecordReader(new ByteArrayInputStream(file));
        RecordHeader h = r.header();
        assertEquals(RecordFixtures.netDmHeader(), h);
        assertNull(h.tracepointFormat());
        assertEquals(List.of("netdm.family.version", "netdm.alert_mode"), List.copyOf(h.properties().keySet()));
        RecordFixtures.Collect c = new RecordFixtures.Collect();
        ReadResult result = r.read(c);
        assertTrue(result.complete());
        assertEquals(43, result.drops());
        DropEvent p = c.events.get(0);
        assertEquals(0x86dd, p.protocol());
        assertEquals(0xfffffff0, p.ifindex(), "ifindex is a u32 and comes back bit for bit");
        assertEquals(1514, p.originalLength());
        assertEquals(DropOrigin.HARDWARE, c.events.get(1).origin());
        assertEquals(42, c.events.get(1).count());
        assertEquals("ingress_vlan_filter", c.names.get("TRAP:0"));
        assertEquals(1_763_000_000_123_456_789L, h.clock().toEpochNanos(p.timeNanos()));
    }

    @Test
    void symbolsAndNamesAreWrittenOncePerDistinctValue() throws IOException {
        byte[] file = RecordFixtures.record(RecordFixtures.tracepointHeader(), RecordWriter.Limits.DEFAULT, (w, e) -> {
            for (int i = 0; i < 1000; i++) {
                // two locations inside the same symbol: one symbol record
                w.drop(e.set(i, 0, DropOrigin.SOFTWARE, RecordFixtures.UDP_RCV_PC + (i & 1), RecordFixtures.NO_SOCKET,
                        DropSink.NO_STACK, 1));
            }
        });
        RecordFixtures.Collect c = new RecordFixtures.Collect();
        assertTrue(new RecordReader(new ByteArrayInputStream(file)).read(c).complete());
        assertEquals(1, c.symbols.size());
        assertEquals(1, c.names.size());
        assertEquals(1000, c.events.size());
    }

    @Test
    void blocksAreFlushedAtTheEventLimitAndAtTheFirstPassAfterTheInterval() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RecordFixtures.FakeClock clock = new RecordFixtures.FakeClock();
        RecordWriter w = new RecordWriter(out, RecordFixtures.tracepointHeader(), RecordFixtures.NAMES,
                new RecordWriter.Limits(3, 1_000_000_000L), clock::get);
        int headerBytes = out.size();
        DropEvent e = new DropEvent().set(0, 0, DropOrigin.SOFTWARE, 1, DropSink.NO_REASON, DropSink.NO_STACK, 1);
        w.drop(e);
        w.endPass();
        assertEquals(headerBytes, out.size(), "a young block waits");
        clock.now += 999_999_999L;
        w.endPass();
        assertEquals(headerBytes, out.size());
        clock.now += 1;
        w.endPass();
        assertEquals(1, w.blocks(), "a block a second old goes out at the next pass");
        w.drop(e);
        w.drop(e);
        assertEquals(1, w.blocks());
        w.drop(e);
        assertEquals(2, w.blocks(), "three events fill a block");
        w.endPass();
        assertEquals(2, w.blocks(), "an empty block is never written");
        w.close();
        assertEquals(3, w.blocks());
        assertEquals(4, w.events());
        assertEquals(out.size(), w.bytes());
    }

    @Test
    void aFailingStreamIsRememberedNotThrownIntoTheSource() throws IOException {
        IOException broken = new IOException("Broken pipe");
        OutputStream failing = new OutputStream() {
            private int writes;

            @Override
            public void write(int b) throws IOException {
                throw broken;
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (writes++ > 0) {
                    throw broken;
                }
            }
        };
        RecordWriter w = new RecordWriter(failing, RecordFixtures.tracepointHeader(), DropNames.NONE,
                new RecordWriter.Limits(1, 0), System::nanoTime);
        DropEvent e = new DropEvent().set(0, 0, DropOrigin.SOFTWARE, 1, DropSink.NO_REASON, DropSink.NO_STACK, 1);
        w.drop(e);
        w.drop(e);
        assertEquals(broken, w.failure());
        assertEquals(broken, org.junit.jupiter.api.Assertions.assertThrows(IOException.class, w::close));
        assertFalse(w.failure() == null);
    }
}
