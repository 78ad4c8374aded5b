// SPDX-License-Identifier: Apache-2.0
package org.dropscope.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.dropscope.event.AlertListener;
import org.dropscope.event.PacketDrop;
import org.dropscope.nativeio.NetlinkConstants;
import org.dropscope.netlink.NetlinkFixtures;
import org.dropscope.netlink.NlMsgDecoder;
import org.dropscope.netlink.dropmon.NetDmMessage;
import org.dropscope.netlink.dropmon.NetDmMessageDecoder;
import org.dropscope.netlink.dropmon.NetDmPacketAlert;
import org.dropscope.netlink.dropmon.NetDmSummaryAlert;
import org.dropscope.pcap.NetlinkPcap;
import org.dropscope.pcap.PcapReader;
import org.dropscope.pcap.PcapWriter;
import org.dropscope.pcap.Rereadable;
import org.junit.jupiter.api.Test;

/**
 * {@link NetDmCaptureWriter} with the messages Debian's 6.1 kernel sent (one message per fixture):
 * written, they read back byte for byte with the writer's time and replay as the same alerts; a
 * failed write ends the capture.
 */
class NetDmCaptureWriterTest {
    private static final Instant AT = Instant.parse("2026-11-22T02:46:27.123456789Z");
    private static final Clock CLOCK = Clock.fixed(AT, ZoneOffset.UTC);
    private static final String FAMILY = "netdm-6.1-ctrl-getfamily-reply.bin";
    private static final String SUMMARY = "netdm-6.1-alert-summary.bin";
    private static final String PACKET = "netdm-6.1-packet-alert-whole.bin";

    private static byte[] fixture(String name) {
        return NetlinkFixtures.bytes(name);
    }

    /** Writes each fixture's message through {@code w}; returns what each call returned. */
    private static List<Boolean> write(NetDmCaptureWriter w, String... names) {
        List<Boolean> written = new ArrayList<>();
        for (String name : names) {
            NlMsgDecoder.forEach(Unpooled.wrappedBuffer(fixture(name)), m -> written.add(w.write(m)));
        }
        return written;
    }

    private static NetDmMessage decode(String name) {
        return NetDmMessageDecoder.decode(NlMsgDecoder.decode(Unpooled.wrappedBuffer(fixture(name))));
    }

    @Test
    void messagesReadBackByteForByteWithTheWritersTimeAndReplayAsTheSameAlerts() throws IOException {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        try (NetDmCaptureWriter w = new NetDmCaptureWriter(new PcapWriter(file, NetlinkConstants.NETLINK_GENERIC),
                CLOCK)) {
            assertEquals(List.of(true, true, true), write(w, FAMILY, SUMMARY, PACKET));
            assertNull(w.failure());
        }
        byte[] capture = file.toByteArray();
        try (PcapReader r = new PcapReader(new ByteArrayInputStream(capture))) {
            for (String name : List.of(FAMILY, SUMMARY, PACKET)) {
                PcapReader.Record rec = r.next();
                try {
                    assertArrayEquals(fixture(name), ByteBufUtil.getBytes(rec.message()), name);
                    assertEquals(AT.getEpochSecond() * 1_000_000_000L + 123_456_000L, rec.epochNanos(),
                            "the clock's time, to the microsecond of a pcap record");
                    assertEquals(NetlinkPcap.PACKET_OUTGOING, rec.packetType(), "as dwdump and nlmon write it");
                    assertEquals(NetlinkConstants.NETLINK_GENERIC, rec.protocol());
                } finally {
                    rec.message().release();
                }
            }
            assertNull(r.next(), "one record per message");
        }

        List<List<AlertListener.SummaryEntry>> summaries = new ArrayList<>();
        List<PacketDrop> packets = new ArrayList<>();
        int familyId;
        try (Rereadable in = Rereadable.spooling(new ByteArrayInputStream(capture))) {
            familyId = NetDmReplay.replay(in, OptionalInt.empty(), new NetDmReplay.Handler() {
                @Override
                public void summary(List<AlertListener.SummaryEntry> entries) {
                    summaries.add(entries);
                }

                @Override
                public void packet(PacketDrop drop) {
                    packets.add(drop);
                }

                @Override
                public void config(NetDmMessage.Config config) {
                    throw new AssertionError("no config was written: " + config);
                }

                @Override
                public void stats(NetDmMessage.Stats stats) {
                    throw new AssertionError("no stats were written: " + stats);
                }

                @Override
                public void malformed(int record, String why) {
                    throw new AssertionError("record " + record + ": " + why);
                }
            });
        }
        // netdm-6.1-ctrl-getfamily-reply.md: NET_DM was family 0x20 in that boot.
        assertEquals(0x20, familyId, "the family id, from the family reply written first");
        assertEquals(List.of(NetDmEvents.entries((NetDmSummaryAlert) decode(SUMMARY))), summaries);
        PacketDrop expected = NetDmEvents.packet((NetDmPacketAlert) decode(PACKET));
        assertEquals(1, packets.size());
        assertEquals(List.of(expected.pc(), expected.symbol(), expected.reason(), expected.originalLength()),
                List.of(packets.get(0).pc(), packets.get(0).symbol(), packets.get(0).reason(),
                        packets.get(0).originalLength()));
    }

    @Test
    void aFailedWriteIsKeptAndNothingIsWrittenAfterIt() throws IOException {
        IOException full = new IOException("No space left on device");
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        // Takes the file header, refuses the first record's header once, then takes everything again.
        OutputStream disk = new OutputStream() {
            private int writes;

            @Override
            public void write(int b) {
                kept.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (++writes == 2) {
                    throw full;
                }
                kept.write(b, off, len);
            }
        };
        try (NetDmCaptureWriter w = new NetDmCaptureWriter(new PcapWriter(disk, NetlinkConstants.NETLINK_GENERIC),
                CLOCK)) {
            assertEquals(List.of(false, false, false), write(w, SUMMARY, PACKET, SUMMARY));
            assertEquals(full, w.failure());
        }
        assertEquals(NetlinkPcap.FILE_HEADER_SIZE, kept.size(), "nothing after the failed write, though it would fit");
    }
}
