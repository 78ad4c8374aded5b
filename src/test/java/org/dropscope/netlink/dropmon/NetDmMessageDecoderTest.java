// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink.dropmon;

import static org.dropscope.netlink.NetlinkFixtures.assertDrained;
import static org.dropscope.netlink.NetlinkFixtures.buffer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.dropscope.netlink.NetlinkDecoderException;
import org.junit.jupiter.api.Test;

/** The dispatcher, fed a buffer of many messages the way a capture file would be. */
class NetDmMessageDecoderTest {

    private final Map<String, Integer> at = new HashMap<>();

    /** Every message kind, plus a command no header names yet, in one buffer. */
    private ByteBuf everyKind() {
        ByteBuf buf = buffer();
        NetDmFixtures.softwareSummary(buf, at);
        NetDmFixtures.hardwareSummary(buf, at);
        NetDmFixtures.softwarePacketAlert(buf, at);
        NetDmFixtures.hardwarePacketAlert(buf, at);
        NetDmFixtures.configNew(buf, at);
        NetDmFixtures.statsNew(buf, at);
        buf.writeIntLE(28);          // nlmsg_len: 16 + 4 + 8
        buf.writeShortLE(NetDmFixtures.FAMILY); // nlmsg_type
        buf.writeShortLE(0);         // nlmsg_flags
        buf.writeIntLE(0);           // nlmsg_seq
        buf.writeIntLE(0);           // nlmsg_pid
        buf.writeByte(42);           // genl cmd 42: after NET_DM_CMD_STATS_NEW, unknown here
        buf.writeByte(3);            // version
        buf.writeShortLE(0);         // reserved
        buf.writeShortLE(8);         // nla_len
        buf.writeShortLE(24);        // nla_type 24: also unknown
        buf.writeIntLE(1);
        return buf;
    }

    @Test
    void decodesEveryKindInOrder() {
        ByteBuf buf = everyKind();
        List<NetDmMessage> msgs = new ArrayList<>();
        for (NetDmMessage m = NetDmMessageDecoder.decode(buf); m != null; m = NetDmMessageDecoder.decode(buf)) {
            msgs.add(m);
        }
        assertEquals(7, msgs.size());
        assertEquals(3, assertInstanceOf(NetDmSummaryAlert.class, msgs.get(0)).points().size());
        assertEquals(2, assertInstanceOf(NetDmSummaryAlert.class, msgs.get(1)).hwEntries().size());
        assertEquals("NO_SOCKET", assertInstanceOf(NetDmPacketAlert.class, msgs.get(2)).reason());
        assertEquals("swp1", assertInstanceOf(NetDmPacketAlert.class, msgs.get(3)).ifname());
        assertEquals(1000, assertInstanceOf(NetDmMessage.Config.class, msgs.get(4)).queueLength());
        assertEquals(0, assertInstanceOf(NetDmMessage.Stats.class, msgs.get(5)).hwDropped());
        NetDmMessage.Other other = assertInstanceOf(NetDmMessage.Other.class, msgs.get(6));
        assertEquals(new NetDmMessage.Other(NetDmCmd.valueOf(42), 3, 8), other);
        assertEquals("UNKNOWN(42)", other.command().name());
        assertDrained(buf);
    }

    @Test
    void aMalformedMessageIsSkippedAndTheNextOneRead() {
        ByteBuf buf = buffer();
        NetDmFixtures.softwarePacketAlert(buf, at);
        int second = buf.writerIndex();
        NetDmFixtures.configNew(buf, at);
        buf.setShortLE(20, 900);     // the first attribute's nla_len, after nlmsghdr and genlmsghdr
        NetlinkDecoderException e = assertThrows(NetlinkDecoderException.class,
                () -> NetDmMessageDecoder.decode(buf));
        assertEquals("NET_DM_CMD_PACKET_ALERT: nla_len 900 exceeds remaining 132", e.getMessage());
        assertEquals(second, buf.readerIndex(), "after the bad message");
        assertInstanceOf(NetDmMessage.Config.class, NetDmMessageDecoder.decode(buf));
        assertDrained(buf);
    }

    @Test
    void anIncompleteLastMessageWaitsForMoreBytes() {
        ByteBuf all = everyKind();
        ByteBuf buf = buffer();
        buf.writeBytes(all, 0, 64 + 30);     // the first message and 30 bytes of the second
        assertInstanceOf(NetDmSummaryAlert.class, NetDmMessageDecoder.decode(buf));
        assertNull(NetDmMessageDecoder.decode(buf));
        assertEquals(64, buf.readerIndex(), "rewound to the incomplete message");
        buf.writeBytes(all, 64 + 30, all.readableBytes() - 64 - 30);
        int n = 0;
        while (NetDmMessageDecoder.decode(buf) != null) {
            n++;
        }
        assertEquals(6, n);
        all.skipBytes(all.readableBytes());
        assertDrained(all);
        assertDrained(buf);
    }

    @Test
    void aTruncatedGenlHeaderIsAnError() {
        ByteBuf buf = buffer();
        buf.writeIntLE(18);          // nlmsg_len: 16 + 2, half a genlmsghdr
        buf.writeShortLE(NetDmFixtures.FAMILY); // nlmsg_type
        buf.writeShortLE(0);         // nlmsg_flags
        buf.writeIntLE(0);           // nlmsg_seq
        buf.writeIntLE(0);           // nlmsg_pid
        buf.writeByte(5);            // cmd
        buf.writeByte(2);            // version; reserved missing
        buf.writeZero(2);            // padding
        NetlinkDecoderException e = assertThrows(NetlinkDecoderException.class,
                () -> NetDmMessageDecoder.decode(buf));
        assertEquals("incomplete genlmsghdr: 2 bytes (expected: 4+ bytes)", e.getMessage());
        assertDrained(buf);
    }
}
