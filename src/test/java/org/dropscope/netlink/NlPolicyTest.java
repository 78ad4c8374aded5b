// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink;

import static org.dropscope.netlink.NetlinkFixtures.assertDrained;
import static org.dropscope.netlink.NetlinkFixtures.buffer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NlPolicyTest {

    /** A target with one field per kind. */
    private static final class Target {
        int small;
        long big;
        String text;
        boolean flag;
        final List<Integer> inner = new ArrayList<>();
    }

    private static final NlPolicy<Target> INNER = NlPolicy.<Target>builder("INNER")
            .u32(0, "INNER_VALUE", (t, v) -> t.inner.add(v))
            .build();

    private static final NlPolicy<Target> POLICY = NlPolicy.<Target>builder("TEST")
            .u16(1, "SMALL", (t, v) -> t.small = v)
            .u64(2, "BIG", (t, v) -> t.big = v)
            .string(3, "TEXT", (t, s) -> t.text = s)
            .flag(4, "FLAG", t -> t.flag = true)
            .nested(5, "NEST", INNER)
            .ignored(6, "PAD")
            .build();

    @Test
    void appliesKnownAttributesAndSkipsUnknownOnes() {
        ByteBuf buf = buffer();
        buf.writeShortLE(6);         // nla_len: 4 + 2
        buf.writeShortLE(1);         // SMALL
        buf.writeShortLE(0x0800);    // u16
        buf.writeZero(2);            // padding
        buf.writeShortLE(4);         // nla_len: empty
        buf.writeShortLE(6);         // PAD
        buf.writeShortLE(12);        // nla_len: 4 + 8
        buf.writeShortLE(2);         // BIG
        buf.writeLongLE(-2L);        // u64, above 2^63
        buf.writeShortLE(8);         // nla_len: 4 + 4
        buf.writeShortLE(99);        // unknown type 99
        buf.writeIntLE(0xdeadbeef);  // ignored payload
        buf.writeShortLE(4);         // nla_len: a flag
        buf.writeShortLE(4);         // FLAG
        buf.writeShortLE(20);        // nla_len: 4 + 16
        buf.writeShortLE(0x8000 | 5); // NEST, NLA_F_NESTED
        buf.writeShortLE(8);         //   nla_len
        buf.writeShortLE(0);         //   INNER_VALUE: type 0
        buf.writeIntLE(7);           //   u32
        buf.writeShortLE(8);         //   nla_len
        buf.writeShortLE(0);         //   INNER_VALUE again
        buf.writeIntLE(8);           //   u32
        buf.writeShortLE(7);         // nla_len: 4 + 3
        buf.writeShortLE(3);         // TEXT
        buf.writeBytes(new byte[] {'h', 'i', 0});
        buf.writeZero(1);            // padding
        buf.writeShortLE(6);         // nla_len: 4 + 2
        buf.writeShortLE(1);         // SMALL again: the last one wins
        buf.writeShortLE(0x86dd);    // u16
        buf.writeZero(2);            // padding

        Target t = new Target();
        assertEquals(1, POLICY.parse(NlAttrs.of(buf), t), "one unknown attribute skipped");
        assertEquals(0x86dd, t.small);
        assertEquals(-2L, t.big);
        assertEquals("hi", t.text);
        assertTrue(t.flag);
        assertEquals(List.of(7, 8), t.inner);
        assertDrained(buf);
    }

    @Test
    void aKnownAttributeTooShortForItsKindIsNamed() {
        ByteBuf buf = buffer();
        buf.writeShortLE(8);         // nla_len: 4 + 4
        buf.writeShortLE(2);         // BIG, a u64
        buf.writeIntLE(1);           // only 4 bytes
        NetlinkDecoderException e = assertThrows(NetlinkDecoderException.class,
                () -> POLICY.parse(NlAttrs.of(buf), new Target()));
        assertEquals("TEST: BIG: u64 of 4 bytes (expected: 8+ bytes)", e.getMessage());
        assertEquals("BIG: u64 of 4 bytes (expected: 8+ bytes)", e.rootMessage());
        assertDrained(buf);
    }

    @Test
    void errorsInsideANestCarryBothNames() {
        ByteBuf buf = buffer();
        buf.writeShortLE(12);        // nla_len: 4 + 8
        buf.writeShortLE(5);         // NEST, without NLA_F_NESTED
        buf.writeShortLE(40);        //   nla_len 40: past the nest's end
        buf.writeShortLE(0);         //   INNER_VALUE
        buf.writeIntLE(1);
        NetlinkDecoderException e = assertThrows(NetlinkDecoderException.class,
                () -> POLICY.parse(NlAttrs.of(buf), new Target()));
        assertEquals("TEST: INNER: nla_len 40 exceeds remaining 8", e.getMessage());
        assertDrained(buf);
    }

    @Test
    void describesItself() {
        assertEquals("BIG", POLICY.nameOf(2));
        assertEquals(NlPolicy.Kind.NESTED, POLICY.kindOf(5));
        assertNull(POLICY.nameOf(99));
        assertNull(POLICY.kindOf(-1));
        assertEquals("TEST{SMALL=1:U16, BIG=2:U64, TEXT=3:STRING, FLAG=4:FLAG, NEST=5:NESTED, PAD=6:IGNORED}",
                POLICY.toString());
        IllegalArgumentException dup = assertThrows(IllegalArgumentException.class,
                () -> NlPolicy.<Target>builder("DUP").flag(1, "A", t -> { }).flag(1, "B", t -> { }).build());
        assertEquals("DUP: attribute type 1 listed twice", dup.getMessage());
    }
}
