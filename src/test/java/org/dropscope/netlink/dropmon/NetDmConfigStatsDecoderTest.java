// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink.dropmon;

import static org.dropscope.netlink.NetlinkFixtures.assertDrained;
import static org.dropscope.netlink.NetlinkFixtures.buffer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import java.util.HashMap;
import java.util.Map;
import org.dropscope.netlink.NetlinkDecoderException;
import org.dropscope.netlink.NlMsg;
import org.dropscope.netlink.NlMsgDecoder;
import org.junit.jupiter.api.Test;

class NetDmConfigStatsDecoderTest {

    private final Map<String, Integer> at = new HashMap<>();

    @Test
    void configNew() {
        ByteBuf buf = buffer();
        NetDmFixtures.configNew(buf, at);
        NetDmMessage.Config c = NetDmConfigDecoder.decode(NlMsgDecoder.decode(buf));
        assertEquals(new NetDmMessage.Config(buf.getUnsignedByte(at.get("mode")), buf.getUnsignedIntLE(at.get("trunc")),
                buf.getUnsignedIntLE(at.get("queue"))), c);
        assertTrue(c.isPacketMode());
        assertEquals(NetDmCmd.NET_DM_CMD_CONFIG_NEW, c.command());
        assertDrained(buf);
    }

    @Test
    void configNewWithoutQueueLengthIsAnError() {
        ByteBuf buf = buffer();
        NetDmFixtures.configNew(buf, at);
        buf.setShortLE(at.get("queue") - 2, 99); // QUEUE_LEN's type becomes unknown
        NlMsg msg = NlMsgDecoder.decode(buf);
        NetlinkDecoderException e = assertThrows(NetlinkDecoderException.class, () -> NetDmConfigDecoder.decode(msg));
        assertEquals("NET_DM_CMD_CONFIG_NEW without NET_DM_ATTR_QUEUE_LEN", e.getMessage());
        assertDrained(buf);
    }

    @Test
    void statsNewWithTypeZeroCountersAndAPad() {
        ByteBuf buf = buffer();
        NetDmFixtures.statsNew(buf, at);
        NetDmMessage.Stats s = NetDmStatsDecoder.decode(NlMsgDecoder.decode(buf));
        assertEquals(new NetDmMessage.Stats(buf.getLongLE(at.get("dropped")), buf.getLongLE(at.get("hwDropped"))), s);
        assertEquals(0x1_0000_0007L, s.dropped());
        assertEquals(NetDmCmd.NET_DM_CMD_STATS_NEW, s.command());
        assertDrained(buf);
    }

    @Test
    void statsNewWithoutTheHardwareCounterIsAnError() {
        ByteBuf buf = buffer();
        NetDmFixtures.statsNew(buf, at);
        buf.setShortLE(at.get("hwDropped") - 2, 1); // DROPPED (type 0) becomes type 1, unknown
        NlMsg msg = NlMsgDecoder.decode(buf);
        NetlinkDecoderException e = assertThrows(NetlinkDecoderException.class, () -> NetDmStatsDecoder.decode(msg));
        assertEquals("NET_DM_CMD_STATS_NEW without NET_DM_ATTR_HW_STATS / NET_DM_ATTR_STATS_DROPPED", e.getMessage());
        assertDrained(buf);
    }

    @Test
    void aTruncatedCounterIsNamedWithItsNest() {
        ByteBuf buf = buffer();
        NetDmFixtures.statsNew(buf, at);
        buf.setShortLE(at.get("dropped") - 4, 8); // DROPPED's nla_len: 4 + 4
        buf.setShortLE(at.get("dropped") + 4, 4); // the other half reads as an empty attribute
        buf.setShortLE(at.get("dropped") + 6, 30);
        NlMsg msg = NlMsgDecoder.decode(buf);
        NetlinkDecoderException e = assertThrows(NetlinkDecoderException.class, () -> NetDmStatsDecoder.decode(msg));
        assertEquals("NET_DM_CMD_STATS_NEW: NET_DM_ATTR_STATS: NET_DM_ATTR_STATS_DROPPED: u64 of 4 bytes "
                + "(expected: 8+ bytes)", e.getMessage());
        assertDrained(buf);
    }
}
