// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink;

import static org.dropscope.netlink.NetlinkFixtures.assertDrained;
import static org.dropscope.netlink.NetlinkFixtures.buffer;
import static org.dropscope.netlink.NetlinkFixtures.release;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NlMsgDecoderTest {

    /** A 22-byte message: header, a 6-byte payload, 2 padding bytes. */
    private static ByteBuf oddMessage(ByteBuf buf, int seq) {
        buf.writeIntLE(22);          // nlmsg_len: 16 + 6, padding not counted
        buf.writeShortLE(0x1a);      // nlmsg_type: some family
        buf.writeShortLE(0x0002);    // nlmsg_flags: NLM_F_MULTI
        buf.writeIntLE(seq);         // nlmsg_seq
        buf.writeIntLE(0x402c);      // nlmsg_pid
        buf.writeByte(1);            // payload 0
        buf.writeByte(2);            // payload 1
        buf.writeByte(3);            // payload 2
        buf.writeByte(4);            // payload 3
        buf.writeByte(5);            // payload 4
        buf.writeByte(6);            // payload 5
        buf.writeZero(2);            // padding to NLMSG_ALIGNTO
        return buf;
    }

    @Test
    void framesOneMessageAndSkipsItsPadding() {
        ByteBuf buf = oddMessage(buffer(), 7);
        NlMsg msg = NlMsgDecoder.decode(buf);
        NlMsgHeader h = msg.header();
        assertEquals(buf.getIntLE(0), h.length());
        assertEquals(buf.getUnsignedShortLE(4), h.type());
        assertEquals(buf.getUnsignedShortLE(6), h.flags());
        assertEquals(buf.getIntLE(8), h.seq());
        assertEquals(buf.getIntLE(12), h.portId());
        assertTrue(h.hasFlags(NetlinkLayout.NLM_F_MULTI));
        assertEquals(6, msg.payload().readableBytes());
        assertEquals(buf.getByte(16), msg.payload().getByte(0));
        assertEquals(buf.getByte(21), msg.payload().getByte(5));
        assertEquals(24, buf.readerIndex(), "start + NLMSG_ALIGN(22)");
        assertDrained(buf);
    }

    @Test
    void aTruncatedHeaderIsIncompleteNotAnError() {
        ByteBuf buf = buffer();
        buf.writeIntLE(20);          // nlmsg_len
        buf.writeShortLE(0x10);      // nlmsg_type
        buf.writeShortLE(0);         // nlmsg_flags
        buf.writeShortLE(0);         // half of nlmsg_seq: the header ends here, at 10 bytes
        assertNull(NlMsgDecoder.decode(buf));
        assertEquals(0, buf.readerIndex(), "rewound");
        assertNull(NlMsgHeader.decode(buf));
        assertEquals(0, buf.readerIndex());
        release(buf);
    }

    @Test
    void aLengthPastTheEndIsIncompleteUntilTheRestArrives() {
        ByteBuf whole = oddMessage(buffer(), 1);
        ByteBuf buf = buffer().writeBytes(whole, 0, 19);
        assertNull(NlMsgDecoder.decode(buf));
        assertEquals(0, buf.readerIndex());
        buf.writeBytes(whole, 19, whole.readableBytes() - 19);
        NlMsg msg = NlMsgDecoder.decode(buf);
        assertEquals(6, msg.payload().readableBytes());
        release(whole);
        assertDrained(buf);
    }

    @Test
    void aLengthShorterThanTheHeaderIsAnError() {
        ByteBuf buf = buffer();
        buf.writeIntLE(8);           // nlmsg_len: less than the header itself
        buf.writeShortLE(0x10);      // nlmsg_type
        buf.writeShortLE(0);         // nlmsg_flags
        buf.writeIntLE(1);           // nlmsg_seq
        buf.writeIntLE(0);           // nlmsg_pid
        NetlinkDecoderException e = assertThrows(NetlinkDecoderException.class, () -> NlMsgDecoder.decode(buf));
        assertEquals("nlmsg_len 8 is shorter than the nlmsghdr (expected: 16+ bytes)", e.getMessage());
        assertEquals(0, buf.readerIndex(), "left at the bad header");
        release(buf);
    }

    @Test
    void multipleMessagesInOneDatagram() {
        ByteBuf buf = buffer();
        oddMessage(buf, 1);          // 24 bytes with padding
        buf.writeIntLE(16);          // nlmsg_len: a header-only message
        buf.writeShortLE(NetlinkLayout.NLMSG_NOOP);
        buf.writeShortLE(0);         // nlmsg_flags
        buf.writeIntLE(2);           // nlmsg_seq
        buf.writeIntLE(0);           // nlmsg_pid
        oddMessage(buf, 3);
        buf.writerIndex(buf.writerIndex() - 2); // the last message without its padding
        List<Integer> seqs = new ArrayList<>();
        List<Integer> lengths = new ArrayList<>();
        assertEquals(3, NlMsgDecoder.forEach(buf, m -> {
            seqs.add(m.seq());
            lengths.add(m.payload().readableBytes());
        }));
        assertEquals(List.of(1, 2, 3), seqs);
        assertEquals(List.of(6, 0, 6), lengths);
        assertDrained(buf);
    }

    @Test
    void aDatagramEndingInsideAMessageIsAnErrorAfterTheCompleteOnes() {
        ByteBuf buf = oddMessage(buffer(), 1);
        buf.writeIntLE(100);         // nlmsg_len: 100, but only this header follows
        buf.writeShortLE(0x10);      // nlmsg_type
        buf.writeShortLE(0);         // nlmsg_flags
        buf.writeIntLE(2);           // nlmsg_seq
        buf.writeIntLE(0);           // nlmsg_pid
        List<Integer> seqs = new ArrayList<>();
        NetlinkDecoderException e = assertThrows(NetlinkDecoderException.class,
                () -> NlMsgDecoder.forEach(buf, m -> seqs.add(m.seq())));
        assertEquals("nlmsg_len 100 exceeds remaining 16", e.getMessage());
        assertEquals(List.of(1), seqs);
        assertDrained(buf);
    }

    @Test
    void aDatagramWithATruncatedTrailingHeader() {
        ByteBuf buf = oddMessage(buffer(), 1);
        buf.writeIntLE(16);          // nlmsg_len, and nothing more
        NetlinkDecoderException e = assertThrows(NetlinkDecoderException.class,
                () -> NlMsgDecoder.forEach(buf, m -> { }));
        assertEquals("incomplete nlmsghdr: 4 bytes (expected: 16+ bytes)", e.getMessage());
        assertDrained(buf);
    }

    @Test
    void headersRoundTrip() {
        NlMsgHeader h = new NlMsgHeader(0x20, 0xffff, 0x305, -1, 0x402c);
        ByteBuf buf = h.encode(buffer());
        assertEquals(NetlinkLayout.NLMSG_HDRLEN, buf.readableBytes());
        assertEquals(h, NlMsgHeader.decode(buf));
        assertEquals("nlmsghdr[len=32 type=65535 flags=0x305 seq=4294967295 pid=16428]", h.toString());
        assertDrained(buf);
    }

    @Test
    void genlHeaderFollowsTheContract() {
        ByteBuf buf = buffer();
        buf.writeByte(5);            // cmd
        buf.writeByte(2);            // version
        buf.writeByte(0);            // reserved, first byte: 3 bytes only so far
        assertNull(GenlHeader.decode(buf));
        assertEquals(0, buf.readerIndex());
        buf.writeByte(0);            // reserved, second byte
        GenlHeader g = GenlHeader.decode(buf);
        assertEquals(new GenlHeader(buf.getUnsignedByte(0), buf.getUnsignedByte(1), 0), g);
        g.requireCommand(5, "FIVE");
        NetlinkDecoderException e = assertThrows(NetlinkDecoderException.class, () -> g.requireCommand(7, "SEVEN"));
        assertEquals("genlmsghdr cmd 5 (expected: SEVEN = 7)", e.getMessage());
        assertDrained(buf);
    }
}
