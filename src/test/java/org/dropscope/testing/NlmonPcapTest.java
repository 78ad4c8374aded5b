// SPDX-License-Identifier: Apache-2.0
package org.dropscope.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.dropscope.nativeio.NetlinkConstants;
import org.dropscope.pcap.NetlinkPcap;
import org.dropscope.pcap.PcapFormatException;
import org.junit.jupiter.api.Test;

/** {@link NlmonPcap} on hand-built files (captured ones: NetDmFixturesTest): split, and as strict as fixtures need. */
class NlmonPcapTest {
    /** tcpdump's default snapshot length, which cuts no netlink message. */
    private static final int SNAPLEN = 262144;

    /** A NET_DM-looking message: nlmsghdr (len 20, type 0x20, flags 1, seq 7, pid 9), genl cmd 6 version 2. */
    private static final byte[] MESSAGE = {
        20, 0, 0, 0,            // nlmsg_len
        0x20, 0,                // nlmsg_type
        1, 0,                   // nlmsg_flags: NLM_F_REQUEST
        7, 0, 0, 0,             // nlmsg_seq
        9, 0, 0, 0,             // nlmsg_pid
        6, 2, 0, 0,             // genlmsghdr: cmd, version, reserved
    };

    @Test
    void splitsARecordIntoItsNetlinkMessages() throws IOException {
        byte[] twoMessages = concat(MESSAGE, MESSAGE);
        List<NlmonPcap.Record> records = NlmonPcap.parse(pcap(253, NetlinkPcap.ARPHRD_NETLINK, SNAPLEN, twoMessages));
        assertEquals(1, records.size());
        NlmonPcap.Record r = records.get(0);
        assertEquals(0, r.index(), "numbered from 0, as the fixtures' sidecars cite records");
        assertEquals(2, r.messages().size());
        RawNetlink m = r.messages().get(1);
        assertArrayEquals(MESSAGE, m.bytes());
        assertEquals(20, m.length());
        assertEquals(0x20, m.type());
        assertEquals(7, m.seq());
        assertEquals(9, m.pid());
        assertEquals(6, m.genlCmd());
        assertTrue(NetDmCapture.isRequest(m));
    }

    @Test
    void rejectsOtherLinkTypesHardwareTypesAndCutRecords() {
        assertThrows(PcapFormatException.class,
                () -> NlmonPcap.parse(pcap(1, NetlinkPcap.ARPHRD_NETLINK, SNAPLEN, MESSAGE)));
        PcapFormatException e = assertThrows(PcapFormatException.class,
                () -> NlmonPcap.parse(pcap(253, 1, SNAPLEN, MESSAGE)));
        assertTrue(e.getMessage().startsWith("record 1: cooked header hatype 1"), e.getMessage());
        byte[] whole = pcap(253, NetlinkPcap.ARPHRD_NETLINK, SNAPLEN, MESSAGE);
        e = assertThrows(PcapFormatException.class, () -> NlmonPcap.parse(Arrays.copyOf(whole, whole.length - 1)));
        assertTrue(e.getMessage().startsWith("record 1 at byte 24: file ends after"), e.getMessage());
        // tcpdump -s 28: the record keeps 12 of the message's 20 bytes and says it had 36.
        e = assertThrows(PcapFormatException.class,
                () -> NlmonPcap.parse(pcap(253, NetlinkPcap.ARPHRD_NETLINK, 16 + 12, MESSAGE)));
        assertEquals("record 1 was cut to 28 of 36 bytes (snapshot length too small)", e.getMessage());
    }

    @Test
    void rejectsAnNlmsgLenBeyondTheRecord() {
        byte[] lying = MESSAGE.clone();
        lying[0] = 24;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NlmonPcap.parse(pcap(253, NetlinkPcap.ARPHRD_NETLINK, SNAPLEN, lying)));
        assertTrue(e.getMessage().contains("nlmsg_len 24"), e.getMessage());
    }

    /**
     * A little-endian microsecond pcap with one record of {@code data} behind a cooked header
     * (big-endian), written byte by byte rather than by PcapWriter; {@code snaplen} (at least 16)
     * cuts the record as tcpdump -s does.
     */
    static byte[] pcap(int linkType, int hatype, int snaplen, byte[] data) {
        int original = 16 + data.length;
        int captured = Math.min(original, snaplen);
        ByteBuffer file = ByteBuffer.allocate(24 + 16 + captured).order(ByteOrder.LITTLE_ENDIAN);
        file.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(snaplen)
                .putInt(linkType);
        file.putInt(1_700_000_000).putInt(250).putInt(captured).putInt(original);
        file.order(ByteOrder.BIG_ENDIAN).putShort((short) 4).putShort((short) hatype).putShort((short) 0)
                .putLong(0).putShort((short) NetlinkConstants.NETLINK_GENERIC);
        file.put(data, 0, captured - 16);
        return file.array();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }
}
