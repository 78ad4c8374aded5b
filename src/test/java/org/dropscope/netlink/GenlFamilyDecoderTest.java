// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink;

import static org.dropscope.netlink.NetlinkFixtures.assertDrained;
import static org.dropscope.netlink.NetlinkFixtures.buffer;
import static org.dropscope.netlink.NetlinkFixtures.load;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class GenlFamilyDecoderTest {

    @Test
    void capturedNlctrlReplyAndItsAck() {
        ByteBuf buf = load("nlctrl-getfamily-6.18.bin");
        List<NlMsg> msgs = new ArrayList<>();
        NlMsgDecoder.forEach(buf.duplicate(), msgs::add);
        assertEquals(2, msgs.size());

        GenlFamily f = GenlFamilyDecoder.decode(msgs.get(0));
        // Expected values from the fixture's own bytes: offsets per the .md's attribute order.
        int attrs = NetlinkLayout.NLMSG_HDRLEN + NetlinkLayout.GENL_HDRLEN;
        int nameLen = buf.getUnsignedShortLE(attrs) - NetlinkLayout.NLA_HDRLEN - 1;
        assertEquals(buf.toString(attrs + 4, nameLen, StandardCharsets.US_ASCII), f.name());
        assertEquals("nlctrl", f.name());
        int idAt = attrs + NetlinkLayout.nlaAlign(buf.getUnsignedShortLE(attrs));
        assertEquals(NetlinkLayout.CTRL_ATTR_FAMILY_ID, buf.getUnsignedShortLE(idAt + 2));
        assertEquals(buf.getUnsignedShortLE(idAt + 4), f.id());
        assertEquals(NetlinkLayout.GENL_ID_CTRL, f.id(), "the one fixed family id");
        assertEquals(buf.getIntLE(idAt + 8 + 4), f.version());
        assertEquals(0, f.hdrSize());
        assertTrue(f.hasOperation(NetlinkLayout.CTRL_CMD_GETFAMILY));
        assertTrue((f.operations().get(NetlinkLayout.CTRL_CMD_GETFAMILY) & NetlinkLayout.GENL_CMD_CAP_DO) != 0);
        assertFalse(f.needsAdmin(NetlinkLayout.CTRL_CMD_GETFAMILY));
        assertEquals(List.of("notify"), List.copyOf(f.multicastGroups().keySet()));
        // The reply ends with the MCAST_GROUPS nest (28 bytes): nest header, group header, GRP_ID.
        int groupsAt = msgs.get(0).header().length() - 28;
        assertEquals(28, buf.getUnsignedShortLE(groupsAt));
        assertEquals(NetlinkLayout.CTRL_ATTR_MCAST_GROUPS, buf.getUnsignedShortLE(groupsAt + 2));
        assertEquals(NetlinkLayout.CTRL_ATTR_MCAST_GRP_ID, buf.getUnsignedShortLE(groupsAt + 10));
        assertEquals(buf.getIntLE(groupsAt + 12), f.multicastGroup("notify").getAsInt());

        NlMsgErr ack = NlMsgErrDecoder.decode(msgs.get(1));
        assertTrue(ack.isAck());
        assertEquals(msgs.get(0).seq(), ack.request().seq());
        buf.skipBytes(buf.readableBytes());
        assertDrained(buf);
    }

    /** A NET_DM-like family, as a 5.4+ kernel describes it, with NLA_F_NESTED on nothing. */
    @Test
    void handBuiltFamilyWithOperationsAndGroups() {
        ByteBuf buf = buffer();
        buf.writeIntLE(108);                     // nlmsg_len: 16 + 4 + 12 + 8 + 8 + 8 + 8 + 24 + 20
        buf.writeShortLE(NetlinkLayout.GENL_ID_CTRL); // nlmsg_type
        buf.writeShortLE(0);                     // nlmsg_flags
        buf.writeIntLE(1);                       // nlmsg_seq
        buf.writeIntLE(0x402c);                  // nlmsg_pid
        buf.writeByte(NetlinkLayout.CTRL_CMD_NEWFAMILY); // genl cmd
        buf.writeByte(2);                        // genl version
        buf.writeShortLE(0);                     // reserved
        buf.writeShortLE(11);                    // nla_len: 4 + "NET_DM" + NUL
        buf.writeShortLE(NetlinkLayout.CTRL_ATTR_FAMILY_NAME);
        buf.writeBytes("NET_DM\0".getBytes(StandardCharsets.US_ASCII));
        buf.writeZero(1);                        // padding
        buf.writeShortLE(6);                     // nla_len: u16
        buf.writeShortLE(NetlinkLayout.CTRL_ATTR_FAMILY_ID);
        buf.writeShortLE(0x1f);                  // family id, as assigned at boot
        buf.writeZero(2);                        // padding
        buf.writeShortLE(8);                     // nla_len
        buf.writeShortLE(NetlinkLayout.CTRL_ATTR_VERSION);
        buf.writeIntLE(2);                       // version
        buf.writeShortLE(8);                     // nla_len
        buf.writeShortLE(NetlinkLayout.CTRL_ATTR_HDRSIZE);
        buf.writeIntLE(0);                       // hdrsize
        buf.writeShortLE(8);                     // nla_len
        buf.writeShortLE(NetlinkLayout.CTRL_ATTR_MAXATTR);
        buf.writeIntLE(23);                      // maxattr: NET_DM_ATTR_REASON
        buf.writeShortLE(24);                    // nla_len: CTRL_ATTR_OPS, one entry
        buf.writeShortLE(NetlinkLayout.CTRL_ATTR_OPS);
        buf.writeShortLE(20);                    //   nla_len: entry 1
        buf.writeShortLE(1);                     //   nla_type: array index 1
        buf.writeShortLE(8);                     //     nla_len
        buf.writeShortLE(NetlinkLayout.CTRL_ATTR_OP_ID);
        buf.writeIntLE(3);                       //     NET_DM_CMD_START
        buf.writeShortLE(8);                     //     nla_len
        buf.writeShortLE(NetlinkLayout.CTRL_ATTR_OP_FLAGS);
        buf.writeIntLE(0x0b);                    //     GENL_ADMIN_PERM | CAP_DO | CAP_HASPOL
        buf.writeShortLE(20);                    // nla_len: CTRL_ATTR_MCAST_GROUPS, one group
        buf.writeShortLE(NetlinkLayout.CTRL_ATTR_MCAST_GROUPS);
        buf.writeShortLE(16);                    //   nla_len: group 1
        buf.writeShortLE(1);                     //   nla_type: array index 1
        buf.writeShortLE(8);                     //     nla_len
        buf.writeShortLE(NetlinkLayout.CTRL_ATTR_MCAST_GRP_ID);
        buf.writeIntLE(0x1b);                    //     group id, as assigned at boot
        buf.writeShortLE(4);                     //     nla_len: the name, empty here
        buf.writeShortLE(NetlinkLayout.CTRL_ATTR_MCAST_GRP_NAME);

        GenlFamily f = GenlFamilyDecoder.decode(NlMsgDecoder.decode(buf));
        assertEquals(new GenlFamily(0x1f, "NET_DM", 2, 0, 23, Map.of(3, 0x0b), Map.of("", 0x1b)), f);
        assertTrue(f.needsAdmin(3));
        assertFalse(f.needsAdmin(6));
        assertEquals(OptionalInt.empty(), f.multicastGroup("events"));
        assertEquals("GenlFamily[NET_DM id=31 version=2 hdrsize=0 maxattr=23 ops=[3] groups={=27}]", f.toString());
        assertDrained(buf);
    }

    @Test
    void rejectsOtherMessagesAndIncompleteFamilies() {
        ByteBuf buf = buffer();
        buf.writeIntLE(28);                      // nlmsg_len
        buf.writeShortLE(NetlinkLayout.GENL_ID_CTRL); // nlmsg_type
        buf.writeShortLE(0);                     // nlmsg_flags
        buf.writeIntLE(1);                       // nlmsg_seq
        buf.writeIntLE(0);                       // nlmsg_pid
        buf.writeByte(NetlinkLayout.CTRL_CMD_NEWFAMILY); // genl cmd
        buf.writeByte(2);                        // genl version
        buf.writeShortLE(0);                     // reserved
        buf.writeShortLE(6);                     // nla_len: only the id
        buf.writeShortLE(NetlinkLayout.CTRL_ATTR_FAMILY_ID);
        buf.writeShortLE(0x1f);
        buf.writeZero(2);                        // padding
        NlMsg msg = NlMsgDecoder.decode(buf);
        NetlinkDecoderException e = assertThrows(NetlinkDecoderException.class, () -> GenlFamilyDecoder.decode(msg));
        assertEquals("CTRL_CMD_NEWFAMILY without CTRL_ATTR_FAMILY_NAME", e.getMessage());
        NlMsg other = new NlMsg(new NlMsgHeader(28, 0x1f, 0, 1, 0), msg.payload());
        e = assertThrows(NetlinkDecoderException.class, () -> GenlFamilyDecoder.decode(other));
        assertEquals("nlmsg_type 31 (expected: GENL_ID_CTRL = 16)", e.getMessage());
        msg.payload().setByte(0, NetlinkLayout.CTRL_CMD_DELFAMILY);
        e = assertThrows(NetlinkDecoderException.class, () -> GenlFamilyDecoder.decode(msg));
        assertEquals("genlmsghdr cmd 2 (expected: CTRL_CMD_NEWFAMILY = 1)", e.getMessage());
        assertDrained(buf);
    }
}
