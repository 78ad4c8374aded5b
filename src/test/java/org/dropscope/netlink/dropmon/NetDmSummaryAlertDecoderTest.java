// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink.dropmon;

import static org.dropscope.netlink.NetlinkFixtures.assertDrained;
import static org.dropscope.netlink.NetlinkFixtures.buffer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.dropscope.netlink.NetlinkDecoderException;
import org.dropscope.netlink.NlMsg;
import org.dropscope.netlink.NlMsgDecoder;
import org.junit.jupiter.api.Test;

class NetDmSummaryAlertDecoderTest {

    private final Map<String, Integer> at = new HashMap<>();

    private static NetDmSummaryAlert.DropPoint point(ByteBuf buf, int at) {
        return new NetDmSummaryAlert.DropPoint(buf.getLongLE(at), buf.getUnsignedIntLE(at + 8));
    }

    @Test
    void softwareSummaryWithTheRxDroppedPoint() {
        ByteBuf buf = buffer();
        NetDmFixtures.softwareSummary(buf, at);
        NetDmSummaryAlert a = NetDmSummaryAlertDecoder.decode(NlMsgDecoder.decode(buf));
        assertEquals(buf.getUnsignedIntLE(at.get("entries")), a.points().size());
        assertEquals(List.of(point(buf, at.get("point0")), point(buf, at.get("point1")), point(buf, at.get("point2"))),
                a.points());
        assertFalse(a.points().get(0).isDeviceRxDrop());
        assertTrue(a.points().get(1).isDeviceRxDrop(), "PC 0: a device's rx_dropped rose");
        assertEquals(4294967295L, a.points().get(2).count(), "counts are unsigned");
        assertEquals(1000 + 2 + 4294967295L, a.totalDrops());
        assertFalse(a.hardware());
        assertEquals(List.of(), a.hwEntries());
        assertEquals("1000 drops at 0xffffffff82046f4c", a.points().get(0).toString());
        assertDrained(buf);
    }

    @Test
    void hardwareSummaryHasAnEmptyStructThenTrapEntries() {
        ByteBuf buf = buffer();
        NetDmFixtures.hardwareSummary(buf, at);
        NetDmSummaryAlert a = NetDmSummaryAlertDecoder.decode(NlMsgDecoder.decode(buf));
        assertTrue(a.hardware());
        assertEquals(List.of(), a.points());
        assertEquals(List.of(
                new NetDmSummaryAlert.HwEntry(ascii(buf, at.get("trap0"), "ingress_vlan_filter".length()),
                        buf.getUnsignedIntLE(at.get("count0"))),
                new NetDmSummaryAlert.HwEntry(ascii(buf, at.get("trap1"), "blackhole_route".length()),
                        buf.getUnsignedIntLE(at.get("count1")))), a.hwEntries());
        assertEquals(8, a.totalDrops());
        assertDrained(buf);
    }

    @Test
    void moreEntriesThanTheAttributeHoldsIsAnError() {
        ByteBuf buf = buffer();
        NetDmFixtures.softwareSummary(buf, at);
        buf.setIntLE(at.get("entries"), 4); // one more than the 3 written
        NlMsg msg = NlMsgDecoder.decode(buf);
        NetlinkDecoderException e = assertThrows(NetlinkDecoderException.class,
                () -> NetDmSummaryAlertDecoder.decode(msg));
        assertEquals("NET_DM_CMD_ALERT: net_dm_alert_msg: 40 bytes for 4 entries (expected: 52+ bytes)",
                e.getMessage());
        buf.setIntLE(at.get("entries"), -1); // 2^32 - 1 entries: no overflow into a small size
        e = assertThrows(NetlinkDecoderException.class, () -> NetDmSummaryAlertDecoder.decode(msg));
        assertEquals("net_dm_alert_msg: 40 bytes for 4294967295 entries (expected: 51539607544+ bytes)",
                e.rootMessage());
        assertDrained(buf);
    }

    @Test
    void withoutTheTypeZeroAttributeItIsAnError() {
        ByteBuf buf = buffer();
        buf.writeIntLE(28);          // nlmsg_len: 16 + 4 + 8
        buf.writeShortLE(NetDmFixtures.FAMILY); // nlmsg_type
        buf.writeShortLE(0);         // nlmsg_flags
        buf.writeIntLE(0);           // nlmsg_seq
        buf.writeIntLE(0);           // nlmsg_pid
        buf.writeByte(1);            // NET_DM_CMD_ALERT
        buf.writeByte(2);            // version
        buf.writeShortLE(0);         // reserved
        buf.writeShortLE(8);         // nla_len
        buf.writeShortLE(30);        // an unknown attribute, skipped
        buf.writeIntLE(0);
        NlMsg msg = NlMsgDecoder.decode(buf);
        NetlinkDecoderException e = assertThrows(NetlinkDecoderException.class,
                () -> NetDmSummaryAlertDecoder.decode(msg));
        assertEquals("NET_DM_CMD_ALERT without its net_dm_alert_msg (attribute type 0)", e.getMessage());
        assertDrained(buf);
    }

    @Test
    void aStructShorterThanItsHeaderIsAnError() {
        ByteBuf buf = buffer();
        buf.writeIntLE(28);          // nlmsg_len: 16 + 4 + 8
        buf.writeShortLE(NetDmFixtures.FAMILY); // nlmsg_type
        buf.writeShortLE(0);         // nlmsg_flags
        buf.writeIntLE(0);           // nlmsg_seq
        buf.writeIntLE(0);           // nlmsg_pid
        buf.writeByte(1);            // NET_DM_CMD_ALERT
        buf.writeByte(2);            // version
        buf.writeShortLE(0);         // reserved
        buf.writeShortLE(6);         // nla_len: 4 + 2
        buf.writeShortLE(0);         // type 0
        buf.writeShortLE(1);         // 2 bytes of a 4-byte entries field
        buf.writeZero(2);            // padding
        NlMsg msg = NlMsgDecoder.decode(buf);
        NetlinkDecoderException e = assertThrows(NetlinkDecoderException.class,
                () -> NetDmSummaryAlertDecoder.decode(msg));
        assertEquals("NET_DM_CMD_ALERT: net_dm_alert_msg: binary of 2 bytes (expected: 4+ bytes)", e.getMessage());
        assertDrained(buf);
    }

    @Test
    void aHardwareEntryWithoutItsNameIsAnError() {
        ByteBuf buf = buffer();
        NetDmFixtures.hardwareSummary(buf, at);
        buf.setShortLE(at.get("trap0") - 2, 99); // the first entry's HW_TRAP_NAME becomes unknown
        NlMsg msg = NlMsgDecoder.decode(buf);
        NetlinkDecoderException e = assertThrows(NetlinkDecoderException.class,
                () -> NetDmSummaryAlertDecoder.decode(msg));
        assertEquals("NET_DM_CMD_ALERT: NET_DM_ATTR_HW_ENTRY without NET_DM_ATTR_HW_TRAP_NAME", e.getMessage());
        assertDrained(buf);
    }

    private static String ascii(ByteBuf buf, int from, int len) {
        return buf.toString(from, len, StandardCharsets.US_ASCII);
    }
}
