// SPDX-License-Identifier: Apache-2.0
package org.dropscope.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pcap framing {@link NlmonPcap} expects, on hand-built files (captured ones: NetDmFixturesTest). */
class NlmonPcapTest {

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
    void readsTheCookedHeaderAndSplitsTheNetlinkMessages() {
        byte[] twoMessages = concat(MESSAGE, MESSAGE);
        List<NlmonPcap.Record> records = NlmonPcap.parse(pcap(253, 824, 1_700_000_000, 250, twoMessages));
        assertEquals(1, records.size());
        NlmonPcap.Record r = records.get(0);
        assertEquals(4, r.packetType());
        assertEquals(NlmonPcap.ARPHRD_NETLINK, r.hardwareType());
        assertEquals(NlmonPcap.NETLINK_GENERIC, r.protocol());
        assertEquals(1_700_000_000_000_250_000L, r.timeNanos());
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
        assertThrows(IllegalArgumentException.class, () -> NlmonPcap.parse(pcap(1, 824, 0, 0, MESSAGE)));
        assertThrows(IllegalArgumentException.class, () -> NlmonPcap.parse(pcap(253, 1, 0, 0, MESSAGE)));
        byte[] whole = pcap(253, 824, 0, 0, MESSAGE);
        byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NlmonPcap.parse(cut));
        assertTrue(e.getMessage().contains("record 0 data"), e.getMessage());
    }

    @Test
    void rejectsAnNlmsgLenBeyondTheRecord() {
        byte[] lying = MESSAGE.clone();
        lying[0] = 24;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NlmonPcap.parse(pcap(253, 824, 0, 0, lying)));
        assertTrue(e.getMessage().contains("nlmsg_len 24"), e.getMessage());
    }

    /** A little-endian microsecond pcap with one record: cooked header (big-endian) + data. */
    static byte[] pcap(int linkType, int hatype, int seconds, int micros, byte[] data) {
        ByteBuffer file = ByteBuffer.allocate(24 + 16 + 16 + data.length).order(ByteOrder.LITTLE_ENDIAN);
        file.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(262144)
                .putInt(linkType);
        file.putInt(seconds).putInt(micros).putInt(16 + data.length).putInt(16 + data.length);
        file.order(ByteOrder.BIG_ENDIAN).putShort((short) 4).putShort((short) hatype).putShort((short) 0)
                .putLong(0).putShort((short) NlmonPcap.NETLINK_GENERIC);
        file.put(data);
        return file.array();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }
}
