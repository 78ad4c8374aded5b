// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink;

import static org.dropscope.netlink.NetlinkFixtures.assertDrained;
import static org.dropscope.netlink.NetlinkFixtures.buffer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import org.junit.jupiter.api.Test;

class NlMsgBuilderTest {

    @Test
    void writesHeadersAndPaddedAttributes() {
        ByteBuf expected = buffer();
        expected.writeIntLE(84);                 // nlmsg_len: 16 + 4 + 8 + 8 + 8 + 12 + 8 + 4 + 16
        expected.writeShortLE(0x1a);             // nlmsg_type
        expected.writeShortLE(0);                // nlmsg_flags: the client adds REQUEST | ACK
        expected.writeIntLE(42);                 // nlmsg_seq
        expected.writeIntLE(0);                  // nlmsg_pid: the kernel's to fill in
        expected.writeByte(2);                   // genl cmd
        expected.writeByte(2);                   // genl version
        expected.writeShortLE(0);                // reserved
        expected.writeShortLE(5);                // nla_len: u8
        expected.writeShortLE(1);                // nla_type
        expected.writeByte(1);                   // value
        expected.writeZero(3);                   // padding
        expected.writeShortLE(6);                // nla_len: u16
        expected.writeShortLE(6);                // nla_type
        expected.writeShortLE(0x0800);           // value
        expected.writeZero(2);                   // padding
        expected.writeShortLE(8);                // nla_len: u32
        expected.writeShortLE(9);                // nla_type
        expected.writeIntLE(-1);                 // value 0xffffffff
        expected.writeShortLE(12);               // nla_len: u64
        expected.writeShortLE(5);                // nla_type
        expected.writeLongLE(1L << 40);          // value
        expected.writeShortLE(8);                // nla_len: 4 + "abc" + NUL
        expected.writeShortLE(3);                // nla_type
        expected.writeBytes(new byte[] {'a', 'b', 'c', 0}); // string + NUL, no padding needed
        expected.writeShortLE(4);                // nla_len: flag
        expected.writeShortLE(20);               // nla_type
        expected.writeShortLE(16);               // nla_len: nest of two
        expected.writeShortLE(0x8000 | 4);       // nla_type: NLA_F_NESTED | 4
        expected.writeShortLE(8);                //   nla_len: u32 at type 0
        expected.writeShortLE(0);                //   nla_type 0
        expected.writeIntLE(3);                  //   value
        expected.writeShortLE(4);                //   nla_len: empty binary
        expected.writeShortLE(1);                //   nla_type

        NlMsgBuilder b = NlMsgBuilder.start(buffer(), 0x1a, 0).seq(42).genl(2, 2)
                .u8(1, 1).u16(6, 0x0800).u32(9, -1).u64(5, 1L << 40).string(3, "abc").flag(20);
        int nest = b.beginNest(0x8000 | 4);
        ByteBuf actual = b.u32(0, 3).bytes(1, new byte[0]).endNest(nest).finish();
        assertEquals(ByteBufUtil.hexDump(expected), ByteBufUtil.hexDump(actual));
        assertEquals(expected.readableBytes(), b.length());
        assertThrows(IllegalStateException.class, b::finish);
        assertThrows(IllegalStateException.class, () -> b.flag(1));
        expected.skipBytes(expected.readableBytes());
        assertDrained(expected);
        actual.skipBytes(actual.readableBytes());
        assertDrained(actual);
    }

    @Test
    void alignedU64GetsAPadAttributeWhenItsPayloadWouldBeMisaligned() {
        // After nlmsghdr + genlmsghdr (20 bytes) an attribute's payload starts at 24: no pad.
        ByteBuf first = NlMsgBuilder.start(buffer(), 0x1a, 0).genl(5, 2).u64Aligned(2, 7, 8).finish();
        assertEquals(32, first.readableBytes());
        assertEquals(2, first.getUnsignedShortLE(22), "the u64 right away");
        // 20 + u32 (8) + u16 (8) + flag (4) = 40: a header there would put the payload at 44.
        ByteBuf second = NlMsgBuilder.start(buffer(), 0x1a, 0).genl(5, 2).u32(9, 0).u16(6, 0).flag(20)
                .u64Aligned(5, 9, 8).finish();
        assertEquals(4, second.getUnsignedShortLE(40), "an empty attribute first");
        assertEquals(8, second.getUnsignedShortLE(42), "of type NET_DM_ATTR_PAD");
        assertEquals(12, second.getUnsignedShortLE(44), "then the u64");
        assertEquals(5, second.getUnsignedShortLE(46));
        assertEquals(9, second.getLongLE(48), "its payload at 48: 8-byte aligned in the message");
        assertEquals(56, second.readableBytes());
        for (ByteBuf b : new ByteBuf[] {first, second}) {
            NlMsg msg = NlMsgDecoder.decode(b);
            assertEquals(b.readerIndex(), msg.header().length());
            assertDrained(b);
        }
    }

    @Test
    void rejectsWhatCannotBeEncoded() {
        ByteBuf buf = buffer();
        NlMsgBuilder b = NlMsgBuilder.start(buf, 0x1a, 0);
        assertThrows(IllegalArgumentException.class, () -> b.bytes(1, new byte[0x10000]));
        buf.skipBytes(buf.readableBytes());
        assertDrained(buf);
    }
}
