// SPDX-License-Identifier: Apache-2.0
package org.dropscope.pcap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PcapTest {
    /** A CTRL_CMD_GETFAMILY request for "NET_DM", 32 bytes, as dropwatch sent it in a 6.1 guest. */
    private static final byte[] GETFAMILY = ByteBufUtil.decodeHexDump(
            "20000000" + "1000" + "0500" + "b955026b" + "8f014012"  // nlmsghdr: len 32, GENL_ID_CTRL, REQUEST|ACK
            + "03010000"                                          // genlmsghdr: CTRL_CMD_GETFAMILY, version 1
            + "0b000200" + "4e45545f444d0000");                   // CTRL_ATTR_FAMILY_NAME "NET_DM\0" + pad

    private static byte[] write(int packetType, byte[]... messages) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PcapWriter w = new PcapWriter(out, 16)) {
            long t = 1_763_775_529_787_093L;
            for (byte[] m : messages) {
                ByteBuf b = Unpooled.wrappedBuffer(m);
                w.write(t++, packetType, b);
                assertEquals(m.length, b.readableBytes(), "the message is not consumed");
                assertTrue(b.release());
            }
        }
        return out.toByteArray();
    }

    @Test
    void recordsCarryTheCookedHeaderAsNlmonWritesIt() throws IOException {
        byte[] file = write(NetlinkPcap.PACKET_OUTGOING, GETFAMILY);
        // The bytes tcpdump wrote on an nlmon device in the 6.1 guest: pkttype 4, ARPHRD_NETLINK,
        // no address, protocol 16, all big-endian.
        assertEquals("00040338000000000000000000000010",
                ByteBufUtil.hexDump(file, 24 + 16, 16));
        assertEquals("d4c3b2a102000400", ByteBufUtil.hexDump(file, 0, 8), "little-endian microsecond pcap 2.4");
        assertEquals(253, file[20] & 0xff);
    }

    @Test
    void roundTrip() throws IOException {
        byte[] second = Arrays.copyOf(GETFAMILY, GETFAMILY.length);
        second[8] = 0x42;
        byte[] file = write(NetlinkPcap.PACKET_HOST, GETFAMILY, second);
        try (PcapReader r = new PcapReader(new ByteArrayInputStream(file))) {
            PcapReader.Record a = r.next();
            assertEquals(1, a.number());
            assertEquals(NetlinkPcap.PACKET_HOST, a.packetType());
            assertEquals(NetlinkPcap.ARPHRD_NETLINK, a.hardwareType());
            assertEquals(16 + GETFAMILY.length, a.capturedLength());
            assertEquals(16 + GETFAMILY.length, a.originalLength());
            assertFalse(a.cut());
            assertEquals(16, a.protocol());
            assertEquals(1_763_775_529_787_093_000L, a.epochNanos());
            assertArrayEquals(GETFAMILY, ByteBufUtil.getBytes(a.message()));
            assertTrue(a.message().release());
            PcapReader.Record b = r.next();
            assertArrayEquals(second, ByteBufUtil.getBytes(b.message()));
            assertTrue(b.message().release());
            assertNull(r.next());
        }
    }

    @Test
    void aFileCutInsideARecordSaysWhereAfterTheRecordsBeforeIt() throws IOException {
        byte[] file = write(NetlinkPcap.PACKET_HOST, GETFAMILY, GETFAMILY);
        byte[] cut = Arrays.copyOf(file, file.length - 5);
        try (PcapReader r = new PcapReader(new ByteArrayInputStream(cut))) {
            PcapReader.Record a = r.next();
            assertTrue(a.message().release());
            PcapFormatException e = assertThrows(PcapFormatException.class, r::next);
            int second = 24 + 16 + 16 + GETFAMILY.length;
            assertEquals("record 2 at byte " + second + ": file ends after " + (16 + GETFAMILY.length - 5) + " of "
                    + (16 + GETFAMILY.length) + " bytes", e.getMessage());
        }
    }

    @Test
    void aRecordLongerThanTheFirstBufferIsReadWhole() throws IOException {
        // A packet alert with a whole 64 KiB packet is longer: the record's buffer grows on the way.
        byte[] big = new byte[100_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31 + i / 256);
        }
        byte[] file = write(NetlinkPcap.PACKET_HOST, big, GETFAMILY);
        try (PcapReader r = new PcapReader(new ByteArrayInputStream(file))) {
            PcapReader.Record a = r.next();
            assertEquals(16 + big.length, a.capturedLength());
            assertArrayEquals(big, ByteBufUtil.getBytes(a.message()));
            assertTrue(a.message().release());
            PcapReader.Record b = r.next();
            assertArrayEquals(GETFAMILY, ByteBufUtil.getBytes(b.message()), "the next record starts after it");
            assertTrue(b.message().release());
            assertNull(r.next());
        }
    }

    @Test
    void aRecordLengthPastTheFileCostsWhatTheFileHoldsNotWhatItClaims() throws IOException {
        // A damaged record header claims 16 MiB (the most a record may have); the file holds 48 bytes of it.
        byte[] file = write(NetlinkPcap.PACKET_HOST, GETFAMILY);
        System.arraycopy(ByteBufUtil.decodeHexDump("00000001" + "00000001"), 0, file, 24 + 8, 8);
        int[] largestRead = {0};
        InputStream in = new FilterInputStream(new ByteArrayInputStream(file)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                largestRead[0] = Math.max(largestRead[0], len);
                return super.read(b, off, len);
            }
        };
        try (PcapReader r = new PcapReader(in)) {
            PcapFormatException e = assertThrows(PcapFormatException.class, r::next);
            assertEquals("record 1 at byte 24: file ends after 48 of 16777216 bytes", e.getMessage());
        }
        // A read is never larger than the buffer it fills: not 16 MiB allocated (and zeroed) for 48 bytes.
        assertTrue(largestRead[0] <= PcapReader.FIRST_BUFFER, "largest read " + largestRead[0]);
    }

    @Test
    void aRecordCutByTheSnapshotLengthIsReturnedMarkedCut() throws IOException {
        // As tcpdump -s 36 writes it, built by hand: the record holds the cooked header and the
        // first 20 of GETFAMILY's 32 bytes, and its header says the packet had 48.
        byte[] file = ByteBufUtil.decodeHexDump("d4c3b2a1" + "02000400" + "00000000" + "00000000"
                + "24000000" + "fd000000"                         // snaplen 36, LINKTYPE_NETLINK
                + "00ca9a3b" + "fa000000" + "24000000" + "30000000"  // 1e9 s + 250 us, incl_len 36, orig_len 48
                + "0004" + "0338" + "0000" + "0000000000000000" + "0010"  // outgoing, ARPHRD_NETLINK, protocol 16
                + ByteBufUtil.hexDump(GETFAMILY, 0, 20));
        try (PcapReader r = new PcapReader(new ByteArrayInputStream(file))) {
            PcapReader.Record a = r.next();
            assertTrue(a.cut());
            assertEquals(36, a.capturedLength());
            assertEquals(48, a.originalLength());
            assertEquals(1_000_000_000_000_250_000L, a.epochNanos());
            assertEquals(NetlinkPcap.PACKET_OUTGOING, a.packetType());
            assertEquals(NetlinkPcap.ARPHRD_NETLINK, a.hardwareType());
            assertEquals(16, a.protocol());
            assertArrayEquals(Arrays.copyOf(GETFAMILY, 20), ByteBufUtil.getBytes(a.message()));
            assertTrue(a.message().release());
            assertNull(r.next());
        }
    }

    @Test
    void otherFormatsAreNamed() {
        byte[] pcapng = {0x0a, 0x0d, 0x0d, 0x0a, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        assertTrue(assertThrows(PcapFormatException.class, () -> new PcapReader(new ByteArrayInputStream(pcapng)))
                .getMessage().contains("editcap -F pcap"));
        byte[] ethernet = ByteBufUtil.decodeHexDump("d4c3b2a1020004000000000000000000ffff000001000000");
        assertTrue(assertThrows(PcapFormatException.class, () -> new PcapReader(new ByteArrayInputStream(ethernet)))
                .getMessage().startsWith("link type 1 is not LINKTYPE_NETLINK"));
        assertTrue(assertThrows(PcapFormatException.class,
                () -> new PcapReader(new ByteArrayInputStream(new byte[24]))).getMessage().startsWith("not a pcap file"));
    }

    @Test
    void bigEndianNanosecondFiles() throws IOException {
        byte[] le = write(NetlinkPcap.PACKET_HOST, GETFAMILY);
        // Rewrite the headers big-endian with the nanosecond magic; the cooked header and the
        // netlink message stay as they are.
        byte[] be = le.clone();
        System.arraycopy(ByteBufUtil.decodeHexDump("a1b23c4d00020004000000000000000000040010000000fd"), 0, be, 0, 24);
        byte[] rec = ByteBufUtil.decodeHexDump("6920952d" + "00000007" + "00000030" + "00000030");
        System.arraycopy(rec, 0, be, 24, 16);
        try (PcapReader r = new PcapReader(new ByteArrayInputStream(be))) {
            PcapReader.Record a = r.next();
            assertEquals(0x6920952dL * 1_000_000_000L + 7, a.epochNanos());
            assertArrayEquals(GETFAMILY, ByteBufUtil.getBytes(a.message()));
            assertTrue(a.message().release());
        }
    }
}
