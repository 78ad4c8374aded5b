// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink.dropmon;

import static org.dropscope.netlink.NetlinkFixtures.assertDrained;
import static org.dropscope.netlink.NetlinkFixtures.buffer;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.dropscope.netlink.NetlinkDecoderException;
import org.dropscope.netlink.NlMsg;
import org.dropscope.netlink.NlMsgBuilder;
import org.dropscope.netlink.NlMsgDecoder;
import org.junit.jupiter.api.Test;

class NetDmPacketAlertDecoderTest {

    private final Map<String, Integer> at = new HashMap<>();

    private static String string(ByteBuf buf, int from) {
        return buf.toString(from, buf.indexOf(from, buf.writerIndex(), (byte) 0) - from, StandardCharsets.US_ASCII);
    }

    private static byte[] bytes(ByteBuf buf, int from, int len) {
        return ByteBufUtil.getBytes(buf, from, len);
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return a;
    }

    @Test
    void softwareDrop() {
        ByteBuf buf = buffer();
        NetDmFixtures.softwarePacketAlert(buf, at);
        NetDmPacketAlert a = NetDmPacketAlertDecoder.decode(NlMsgDecoder.decode(buf));
        assertEquals(buf.getUnsignedShortLE(at.get("origin")), a.origin());
        assertFalse(a.isHardware());
        assertEquals(buf.getLongLE(at.get("pc")), a.pc());
        assertEquals(string(buf, at.get("reason")), a.reason());
        assertEquals(string(buf, at.get("symbol")), a.symbol());
        assertEquals(buf.getIntLE(at.get("ifindex")), a.ifindex());
        assertNull(a.ifname());
        assertEquals(buf.getLongLE(at.get("timestamp")), a.timestampNanos());
        assertEquals(Instant.ofEpochSecond(1_795_312_345L, 123_456_789L), a.timestamp());
        assertEquals(buf.getUnsignedIntLE(at.get("origLen")), a.originalLength());
        assertEquals(buf.getUnsignedShortLE(at.get("proto")), a.protocol());
        assertEquals(at.get("payloadLen"), a.payloadLength());
        assertArrayEquals(bytes(buf, at.get("payload"), at.get("payloadLen")), bytes(a.payload()));
        assertNull(a.hwTrapName());
        assertNull(a.hwTrapGroupName());
        assertNull(a.flowActionCookie());
        assertEquals(NetDmCmd.NET_DM_CMD_PACKET_ALERT, a.command());
        assertDrained(buf);
    }

    @Test
    void hardwareDropWithTrapPortNameAndCookie() {
        ByteBuf buf = buffer();
        NetDmFixtures.hardwarePacketAlert(buf, at);
        NetDmPacketAlert a = NetDmPacketAlertDecoder.decode(NlMsgDecoder.decode(buf));
        assertTrue(a.isHardware());
        assertEquals(buf.getUnsignedShortLE(at.get("origin")), a.origin());
        assertEquals(string(buf, at.get("group")), a.hwTrapGroupName());
        assertEquals(string(buf, at.get("trap")), a.hwTrapName());
        assertEquals(buf.getIntLE(at.get("ifindex")), a.ifindex());
        assertEquals(string(buf, at.get("ifname")), a.ifname());
        assertArrayEquals(bytes(buf, at.get("cookie"), at.get("cookieLen")), bytes(a.flowActionCookie()));
        assertEquals(buf.getLongLE(at.get("timestamp")), a.timestampNanos());
        assertEquals(buf.getUnsignedIntLE(at.get("origLen")), a.originalLength());
        assertEquals(0, a.pc(), "hardware drops have no PC");
        assertNull(a.symbol());
        assertNull(a.reason());
        assertEquals(0, a.protocol(), "no payload, so no protocol");
        assertNull(a.payload());
        assertEquals(0, a.payloadLength());
        assertDrained(buf);
    }

    @Test
    void padAttributesBeforeU64sAreReadPast() {
        ByteBuf buf = buffer();
        NetDmFixtures.paddedPacketAlert(buf, at);
        NetDmPacketAlert a = NetDmPacketAlertDecoder.decode(NlMsgDecoder.decode(buf));
        assertEquals(buf.getLongLE(at.get("pc")), a.pc());
        assertEquals(buf.getLongLE(at.get("timestamp")), a.timestampNanos());
        assertEquals(buf.getUnsignedIntLE(at.get("origLen")), a.originalLength());
        assertEquals("NOT_SPECIFIED", a.reason());
        assertEquals(2, a.ifindex());
        assertEquals(0, at.get("timestamp") % 8, "the fixture follows the kernel's alignment rule");

        // The builder's u64Aligned() applies the same rule and yields the same bytes.
        NlMsgBuilder b = NlMsgBuilder.start(buffer(), NetDmFixtures.FAMILY, 0).genl(5, 2)
                .u16(14, 0)
                .u64Aligned(2, a.pc(), 8)
                .string(23, a.reason());
        int port = b.beginNest(0x8000 | 4);
        ByteBuf built = b.u32(0, a.ifindex()).endNest(port)
                .u64Aligned(5, a.timestampNanos(), 8)
                .u32(10, (int) a.originalLength())
                .finish();
        assertEquals(ByteBufUtil.hexDump(buf, 0, buf.writerIndex()), ByteBufUtil.hexDump(built));
        built.skipBytes(built.readableBytes());
        assertDrained(built);
        assertDrained(buf);
    }

    @Test
    void unknownAttributesAreSkipped() {
        ByteBuf buf = buffer();
        NetDmFixtures.softwarePacketAlert(buf, at);
        int end = buf.writerIndex();
        buf.writeShortLE(8);         // nla_len: an attribute from a newer kernel
        buf.writeShortLE(42);        // nla_type 42
        buf.writeIntLE(0x12345678);  // its payload
        buf.setIntLE(0, end + 8);    // nlmsg_len grows by it
        NetDmPacketAlert withUnknown = NetDmPacketAlertDecoder.decode(NlMsgDecoder.decode(buf));
        ByteBuf plain = buffer();
        NetDmFixtures.softwarePacketAlert(plain, new HashMap<>());
        assertEquals(NetDmPacketAlertDecoder.decode(NlMsgDecoder.decode(plain)), withUnknown);
        assertDrained(plain);
        assertDrained(buf);
    }

    @Test
    void theAlertOwnsItsPayloadAfterTheBufferIsGone() {
        ByteBuf buf = buffer();
        NetDmFixtures.softwarePacketAlert(buf, at);
        byte[] expected = bytes(buf, at.get("payload"), at.get("payloadLen"));
        NetDmPacketAlert a = NetDmPacketAlertDecoder.decode(NlMsgDecoder.decode(buf));
        assertDrained(buf);
        ByteBuffer first = a.payload();
        first.get(new byte[4]);      // moving one view's position...
        assertArrayEquals(expected, bytes(a.payload()), "...does not move the next one");
        assertThrows(ReadOnlyBufferException.class, () -> a.payload().put(0, (byte) 1));
        ByteBuffer source = ByteBuffer.wrap(expected.clone());
        NetDmPacketAlert built = new NetDmPacketAlert(0, 1, null, null, 0, null, 0, 0, source, 0, null, null, null);
        source.put(0, (byte) 0x7f);
        assertEquals(expected[0], built.payload().get(0), "the constructor copies");
    }

    @Test
    void aU64AttributeTooShortIsNamed() {
        ByteBuf buf = buffer();
        NetDmFixtures.softwarePacketAlert(buf, at);
        int pc = at.get("pc");
        buf.setShortLE(pc - 4, 8);   // nla_len of NET_DM_ATTR_PC: 4 + 4, the rest reads as padding
        buf.setShortLE(pc + 4, 4);   // ...and a 4-byte attribute of type 0 where the rest was
        buf.setShortLE(pc + 6, 99);
        NlMsg msg = NlMsgDecoder.decode(buf);
        NetlinkDecoderException e = assertThrows(NetlinkDecoderException.class,
                () -> NetDmPacketAlertDecoder.decode(msg));
        assertEquals("NET_DM_CMD_PACKET_ALERT: NET_DM_ATTR_PC: u64 of 4 bytes (expected: 8+ bytes)", e.getMessage());
        assertDrained(buf);
    }

    /** The u64 holds the kernel's signed ktime_t: 2^63 and more is malformed, never 1969 or 2554. */
    @Test
    void aTimestampOfTwoToTheSixtyThreeOrMoreIsMalformed() {
        for (long ts : new long[] {Long.MIN_VALUE, -1}) {
            ByteBuf buf = buffer();
            NetDmFixtures.softwarePacketAlert(buf, at);
            buf.setLongLE(at.get("timestamp"), ts);
            NlMsg msg = NlMsgDecoder.decode(buf);
            NetlinkDecoderException e = assertThrows(NetlinkDecoderException.class,
                    () -> NetDmPacketAlertDecoder.decode(msg));
            assertEquals("NET_DM_CMD_PACKET_ALERT: NET_DM_ATTR_TIMESTAMP " + Long.toUnsignedString(ts) + " ns is past"
                    + " 2^63 - 1 (2262-04-11), the last time the kernel's ktime_t holds", e.getMessage());
            assertDrained(buf);
        }
        ByteBuf buf = buffer();
        NetDmFixtures.softwarePacketAlert(buf, at);
        buf.setLongLE(at.get("timestamp"), Long.MAX_VALUE);
        NetDmPacketAlert last = NetDmPacketAlertDecoder.decode(NlMsgDecoder.decode(buf));
        assertEquals(Instant.parse("2262-04-11T23:47:16.854775807Z"), last.timestamp());
        assertDrained(buf);
    }

    @Test
    void aBrokenPortNestIsNamed() {
        ByteBuf buf = buffer();
        NetDmFixtures.softwarePacketAlert(buf, at);
        int ifindex = at.get("ifindex");
        buf.setShortLE(ifindex - 4, 3); // the inner nla_len: below its own header
        NlMsg msg = NlMsgDecoder.decode(buf);
        NetlinkDecoderException e = assertThrows(NetlinkDecoderException.class,
                () -> NetDmPacketAlertDecoder.decode(msg));
        assertEquals("NET_DM_CMD_PACKET_ALERT: NET_DM_ATTR_IN_PORT: nla_len 3 is shorter than the nlattr header "
                + "(expected: 4+ bytes)", e.getMessage());
        assertDrained(buf);
    }

    @Test
    void anotherCommandIsRefused() {
        ByteBuf buf = buffer();
        NetDmFixtures.configNew(buf, at);
        NlMsg msg = NlMsgDecoder.decode(buf);
        NetlinkDecoderException e = assertThrows(NetlinkDecoderException.class,
                () -> NetDmPacketAlertDecoder.decode(msg));
        assertEquals("genlmsghdr cmd 7 (expected: NET_DM_CMD_PACKET_ALERT = 5)", e.getMessage());
        assertEquals("NET_DM_CMD_PACKET_ALERT", NetDmPacketAlertDecoder.policy().name());
        assertEquals("NET_DM_ATTR_FLOW_ACTION_COOKIE", NetDmPacketAlertDecoder.policy().nameOf(22));
        assertDrained(buf);
    }
}
