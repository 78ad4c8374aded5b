// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink;

import static org.dropscope.netlink.NetlinkFixtures.assertDrained;
import static org.dropscope.netlink.NetlinkFixtures.buffer;
import static org.dropscope.netlink.NetlinkFixtures.load;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;
import org.dropscope.nativeio.Errno;
import org.junit.jupiter.api.Test;

class NlMsgErrDecoderTest {

    /** The header of an NLMSG_ERROR message with {@code flags}, {@code len} bytes long. */
    private static void errorHeader(ByteBuf buf, int len, int flags, int seq) {
        buf.writeIntLE(len);                     // nlmsg_len
        buf.writeShortLE(NetlinkLayout.NLMSG_ERROR); // nlmsg_type
        buf.writeShortLE(flags);                 // nlmsg_flags
        buf.writeIntLE(seq);                     // nlmsg_seq: the request's
        buf.writeIntLE(0x402c);                  // nlmsg_pid: the requesting socket
    }

    /** The echoed request header. */
    private static void requestHeader(ByteBuf buf, int len, int seq) {
        buf.writeIntLE(len);                     // nlmsg_len of the request
        buf.writeShortLE(0x1a);                  // nlmsg_type: the family
        buf.writeShortLE(NetlinkLayout.NLM_F_REQUEST | NetlinkLayout.NLM_F_ACK); // nlmsg_flags
        buf.writeIntLE(seq);                     // nlmsg_seq
        buf.writeIntLE(0x402c);                  // nlmsg_pid
    }

    @Test
    void anAck() {
        ByteBuf buf = buffer();
        errorHeader(buf, 36, NetlinkLayout.NLM_F_CAPPED, 5);
        buf.writeIntLE(0);                       // error 0: success
        requestHeader(buf, 24, 5);
        NlMsg msg = NlMsgDecoder.decode(buf);
        NlMsgErr err = NlMsgErrDecoder.decode(msg);
        assertTrue(err.isAck());
        assertEquals(0, err.errno());
        assertEquals(new NlMsgHeader(24, 0x1a, 5, 5, 0x402c), err.request());
        assertNull(err.message());
        assertEquals("kernel said: OK", err.render());
        assertDrained(buf);
    }

    @Test
    void anErrorWithExtendedAck() {
        ByteBuf buf = buffer();
        errorHeader(buf, 16 + 20 + 68 + 8 + 8, NetlinkLayout.NLM_F_CAPPED | NetlinkLayout.NLM_F_ACK_TLVS, 9);
        int errorAt = buf.writerIndex();
        buf.writeIntLE(-Errno.EBUSY);            // error: -EBUSY
        requestHeader(buf, 28, 9);               // only the header: NLM_F_CAPPED
        buf.writeShortLE(4 + 62);                // nla_len: NLMSGERR_ATTR_MSG
        buf.writeShortLE(NetlinkLayout.NLMSGERR_ATTR_MSG);
        int textAt = buf.writerIndex();
        buf.writeBytes("drop_monitor: Cannot configure drop monitor during monitoring"
                .getBytes(StandardCharsets.US_ASCII)); // 61 characters, as NL_SET_ERR_MSG_MOD writes them
        buf.writeByte(0);                        // NUL
        buf.writeZero(2);                        // padding
        buf.writeShortLE(8);                     // nla_len: NLMSGERR_ATTR_OFFS
        buf.writeShortLE(NetlinkLayout.NLMSGERR_ATTR_OFFS);
        buf.writeIntLE(20);                      // offset of the blamed attribute
        buf.writeShortLE(8);                     // nla_len: an attribute type newer than this code
        buf.writeShortLE(99);
        buf.writeIntLE(0);
        NlMsgErr err = NlMsgErrDecoder.decode(NlMsgDecoder.decode(buf));
        assertEquals(buf.getIntLE(errorAt), err.error());
        assertEquals(Errno.EBUSY, err.errno());
        assertEquals("EBUSY", err.errnoName());
        assertEquals(buf.toString(textAt, 61, StandardCharsets.US_ASCII), err.message());
        assertEquals(OptionalInt.of(20), err.offset());
        assertFalse(err.missingType().isPresent());
        assertEquals("kernel said: " + Errno.description(Errno.EBUSY) + " (EBUSY): " + err.message(), err.render());
        assertDrained(buf);
    }

    @Test
    void anUncappedErrorEchoesTheRequestBeforeItsAttributes() {
        ByteBuf buf = buffer();
        errorHeader(buf, 16 + 4 + 24 + 8 + 8, NetlinkLayout.NLM_F_ACK_TLVS, 3);
        buf.writeIntLE(-Errno.EINVAL);           // error
        requestHeader(buf, 24, 3);               // the request: 24 bytes, all echoed
        buf.writeByte(3);                        // its genlmsghdr: cmd
        buf.writeByte(1);                        //   version
        buf.writeShortLE(0);                     //   reserved
        buf.writeShortLE(4);                     // its one attribute: nla_len 4, a flag
        buf.writeShortLE(20);                    //   nla_type
        buf.writeShortLE(8);                     // nla_len: NLMSGERR_ATTR_MISS_TYPE
        buf.writeShortLE(NetlinkLayout.NLMSGERR_ATTR_MISS_TYPE);
        buf.writeIntLE(2);                       // the missing attribute's type
        buf.writeShortLE(8);                     // nla_len: NLMSGERR_ATTR_MISS_NEST
        buf.writeShortLE(NetlinkLayout.NLMSGERR_ATTR_MISS_NEST);
        buf.writeIntLE(20);                      // offset of the nest it was missing from
        NlMsgErr err = NlMsgErrDecoder.decode(NlMsgDecoder.decode(buf));
        assertEquals(-Errno.EINVAL, err.error());
        assertEquals(OptionalInt.of(2), err.missingType());
        assertEquals(OptionalInt.of(20), err.missingNest());
        assertNull(err.message());
        assertEquals("kernel said: Invalid argument (EINVAL)", err.render());
        assertDrained(buf);
    }

    @Test
    void anEchoedRequestLongerThanTheMessageIsAnError() {
        ByteBuf buf = buffer();
        errorHeader(buf, 36, NetlinkLayout.NLM_F_ACK_TLVS, 3); // not capped, but nothing echoed
        buf.writeIntLE(-Errno.EINVAL);           // error
        requestHeader(buf, 64, 3);               // claims 64 bytes
        NlMsg msg = NlMsgDecoder.decode(buf);
        NetlinkDecoderException e = assertThrows(NetlinkDecoderException.class, () -> NlMsgErrDecoder.decode(msg));
        assertEquals("nlmsgerr echoes a request of nlmsg_len 64, exceeds remaining 16", e.getMessage());
        assertDrained(buf);
    }

    @Test
    void aTruncatedNlmsgerrIsAnError() {
        ByteBuf buf = buffer();
        errorHeader(buf, 24, 0, 3);
        buf.writeIntLE(-Errno.EINVAL);           // error
        buf.writeIntLE(24);                      // the first 4 bytes of the echoed header only
        NlMsg msg = NlMsgDecoder.decode(buf);
        NetlinkDecoderException e = assertThrows(NetlinkDecoderException.class, () -> NlMsgErrDecoder.decode(msg));
        assertEquals("incomplete nlmsgerr: 8 bytes (expected: 20+ bytes)", e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> NlMsgErrDecoder.decode(new NlMsg(new NlMsgHeader(16, 0x10, 0, 0, 0), msg.payload())));
        assertDrained(buf);
    }

    @Test
    void capturedEnoentForAMissingFamily() {
        ByteBuf buf = load("net_dm-enoent-6.18.bin");
        NlMsg msg = NlMsgDecoder.decode(buf);
        assertTrue(msg.header().isError());
        assertTrue(msg.header().hasFlags(NetlinkLayout.NLM_F_CAPPED));
        NlMsgErr err = NlMsgErrDecoder.decode(msg);
        assertEquals(buf.getIntLE(NetlinkLayout.NLMSG_HDRLEN), err.error());
        assertEquals("ENOENT", err.errnoName());
        assertEquals(msg.seq(), err.request().seq());
        assertEquals(NetlinkLayout.GENL_ID_CTRL, err.request().type());
        assertNull(err.message());
        assertEquals("kernel said: No such file or directory (ENOENT)", err.render());
        assertDrained(buf);
    }

    @Test
    void capturedPolicyViolationWithExtendedAck() {
        ByteBuf buf = load("nlctrl-einval-extack-6.18.bin");
        NlMsg msg = NlMsgDecoder.decode(buf);
        assertTrue(msg.header().hasFlags(NetlinkLayout.NLM_F_CAPPED | NetlinkLayout.NLM_F_ACK_TLVS));
        NlMsgErr err = NlMsgErrDecoder.decode(msg);
        assertEquals("EINVAL", err.errnoName());
        int textAt = NetlinkLayout.NLMSG_HDRLEN + NetlinkLayout.NLMSGERR_SIZE + NetlinkLayout.NLA_HDRLEN;
        int textLen = buf.getUnsignedShortLE(textAt - NetlinkLayout.NLA_HDRLEN) - NetlinkLayout.NLA_HDRLEN - 1;
        assertEquals(buf.toString(textAt, textLen, StandardCharsets.US_ASCII), err.message());
        int offs = err.offset().getAsInt();
        assertEquals(NetlinkLayout.NLMSG_HDRLEN + NetlinkLayout.GENL_HDRLEN, offs,
                "the request's only attribute, right after its two headers");
        assertEquals("kernel said: Invalid argument (EINVAL): " + err.message(), err.render());
        assertEquals("nlmsgerr[" + err.render() + ", seq=3, offset=20]", err.toString());
        assertDrained(buf);
    }
}
