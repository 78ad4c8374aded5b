// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink;

import static org.dropscope.netlink.NetlinkFixtures.assertDrained;
import static org.dropscope.netlink.NetlinkFixtures.buffer;
import static org.dropscope.netlink.NetlinkFixtures.release;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;

class NlAttrsTest {

    @Test
    void readsTypesPayloadsAndPadding() {
        ByteBuf buf = buffer();
        buf.writeShortLE(5);         // nla_len: 4 + 1
        buf.writeShortLE(1);         // nla_type 1
        buf.writeByte(0xfe);         // u8
        buf.writeZero(3);            // padding
        buf.writeShortLE(12);        // nla_len: 4 + 8
        buf.writeShortLE(0);         // nla_type 0: a real attribute, not to be skipped
        int u64At = buf.writerIndex();
        buf.writeLongLE(0xffffffff96b6294eL); // u64
        buf.writeShortLE(6);         // nla_len: 4 + 2
        buf.writeShortLE(0x4000 | 3); // nla_type 3 with NLA_F_NET_BYTEORDER
        buf.writeByte(0x86);         // u16, big-endian: 0x86dd
        buf.writeByte(0xdd);
        buf.writeZero(2);            // padding
        buf.writeShortLE(8);         // nla_len: 4 + 4
        buf.writeShortLE(0x8000 | 4); // nla_type 4 with NLA_F_NESTED: an empty-looking nest
        buf.writeIntLE(0x00040004);  // one inner attribute of nla_len 4, type 4, no payload
        buf.writeShortLE(10);        // nla_len: 4 + 6, the last attribute, padding missing
        buf.writeShortLE(5);         // nla_type 5
        buf.writeBytes(new byte[] {'e', 't', 'h', '0', 0, 'x'}); // string, then a byte after the NUL

        NlAttrs attrs = NlAttrs.of(buf);
        NlAttr a = attrs.next();
        assertEquals(1, a.type());
        assertEquals(0xfe, a.u8());
        assertEquals(1, a.length());
        NlAttr b = attrs.next();
        assertEquals(0, b.type());
        assertEquals(buf.getLongLE(u64At), b.u64());
        assertEquals(8, b.length());
        NlAttr c = attrs.next();
        assertEquals(3, c.type());
        assertTrue(c.isNetByteOrder());
        assertEquals(0x86dd, c.u16());
        NlAttr d = attrs.next();
        assertEquals(4, d.type());
        assertTrue(d.isNested());
        NlAttrs inner = attrs.nested(d);
        assertEquals(1, inner.depth());
        NlAttr empty = inner.next();
        assertEquals(4, empty.type());
        assertEquals(0, empty.length());
        assertNull(inner.next());
        NlAttr e = attrs.next();
        assertEquals(5, e.type());
        assertFalse(e.isNested());
        assertEquals("eth0", e.string());
        assertArrayEquals(new byte[] {'e', 't', 'h', '0', 0, 'x'}, e.bytes());
        assertNull(attrs.next());
        assertEquals(0, attrs.remaining());
        assertDrained(buf);
    }

    @Test
    void decoderFollowsTheContract() {
        ByteBuf buf = buffer();
        buf.writeShortLE(9);         // nla_len: 4 + 5
        buf.writeShortLE(2);         // nla_type
        buf.writeBytes(new byte[] {'a', 'b'}); // 2 of the 5 payload bytes
        assertNull(NlAttrDecoder.decode(buf));
        assertEquals(0, buf.readerIndex(), "rewound");
        buf.writeBytes(new byte[] {'c', 'd', 0}); // the rest
        buf.writeZero(3);            // padding
        NlAttr a = NlAttrDecoder.decode(buf);
        assertEquals("abcd", a.string());
        assertEquals(12, buf.readerIndex(), "start + NLA_ALIGN(9)");
        assertDrained(buf);
    }

    @Test
    void nlaLenBelowTheHeaderIsAnError() {
        ByteBuf buf = buffer();
        buf.writeShortLE(2);         // nla_len 2: less than the 4-byte header
        buf.writeShortLE(1);         // nla_type
        buf.writeIntLE(0);           // bytes that would follow
        NetlinkDecoderException e = assertThrows(NetlinkDecoderException.class, () -> NlAttrDecoder.decode(buf));
        assertEquals("nla_len 2 is shorter than the nlattr header (expected: 4+ bytes)", e.getMessage());
        assertEquals(0, buf.readerIndex());
        NlAttrs attrs = NlAttrs.of(buf);
        assertThrows(NetlinkDecoderException.class, attrs::next);
        assertDrained(buf);
    }

    @Test
    void aLengthPastTheEndOfTheRangeIsAnError() {
        ByteBuf buf = buffer();
        buf.writeShortLE(8);         // nla_len 8, a complete u32
        buf.writeShortLE(1);         // nla_type
        buf.writeIntLE(42);          // u32
        buf.writeShortLE(900);       // nla_len 900
        buf.writeShortLE(7);         // nla_type
        buf.writeZero(116);          // 120 bytes remain from this attribute's start
        NlAttrs attrs = NlAttrs.of(buf);
        assertEquals(42, attrs.next().u32());
        NetlinkDecoderException e = assertThrows(NetlinkDecoderException.class, attrs::next);
        assertEquals("nla_len 900 exceeds remaining 120", e.getMessage());
        assertDrained(buf);
    }

    @Test
    void trailingBytesTooFewForAHeaderAreAnError() {
        ByteBuf buf = buffer();
        buf.writeShortLE(4);         // nla_len 4: a flag
        buf.writeShortLE(20);        // nla_type
        buf.writeByte(1);            // 3 stray bytes
        buf.writeByte(2);
        buf.writeByte(3);
        NlAttrs attrs = NlAttrs.of(buf);
        assertEquals(20, attrs.next().type());
        NetlinkDecoderException e = assertThrows(NetlinkDecoderException.class, attrs::next);
        assertEquals("incomplete nlattr: 3 bytes (expected: 4+ bytes)", e.getMessage());
        assertDrained(buf);
    }

    @Test
    void aPayloadTooShortForItsTypeIsAnError() {
        ByteBuf buf = buffer();
        buf.writeShortLE(6);         // nla_len: 4 + 2
        buf.writeShortLE(9);         // nla_type
        buf.writeShortLE(7);         // 2 bytes where a u32 is read
        buf.writeZero(2);            // padding
        NlAttr a = NlAttrs.of(buf).next();
        assertEquals(7, a.u16());
        NetlinkDecoderException e = assertThrows(NetlinkDecoderException.class, a::u32);
        assertEquals("nlattr type 9: 2 payload bytes (expected: 4+ bytes)", e.getMessage());
        assertDrained(buf);
    }

    @Test
    void nestingDeeperThanTheCapIsAnError() {
        int levels = 4;
        ByteBuf buf = buffer();
        for (int i = 0; i < levels; i++) {
            buf.writeShortLE(4 * (levels - i) + 4); // nla_len: this header, the inner ones, the leaf
            buf.writeShortLE(0x8000 | 1);           // nla_type 1, NLA_F_NESTED
        }
        buf.writeShortLE(4);         // nla_len: the innermost, an empty leaf
        buf.writeShortLE(2);         // nla_type 2
        NlAttrs top = NlAttrs.of(buf, 3);
        NlAttrs attrs = top;
        for (int level = 1; level <= 3; level++) {
            attrs = attrs.nested(attrs.next());
            assertEquals(level, attrs.depth());
        }
        NlAttrs deepest = attrs;
        NlAttr fourth = deepest.next();
        NetlinkDecoderException e = assertThrows(NetlinkDecoderException.class, () -> deepest.nested(fourth));
        assertEquals("nlattr nesting too deep: type 1 at level 4 (expected: at most 3 levels)", e.getMessage());
        assertEquals(NlAttrs.DEFAULT_MAX_DEPTH, NlAttrs.of(buf).maxDepth());
        assertNull(top.next());
        assertDrained(buf);
    }

    @Test
    void anEmptyRangeHasNoAttributes() {
        ByteBuf buf = buffer();
        assertNull(NlAttrs.of(buf).next());
        assertThrows(IllegalArgumentException.class, () -> NlAttrs.of(buf, -1));
        release(buf);
    }
}
