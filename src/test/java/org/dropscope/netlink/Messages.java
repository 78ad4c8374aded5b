// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Hand-built datagrams for client tests, one commented field per line. */
public final class Messages {

    static final int PORT = 0x402c;

    private Messages() {
    }

    /** nlmsg_seq of the message at the start of {@code datagram}. */
    static int seq(byte[] datagram) {
        return Unpooled.wrappedBuffer(datagram).getIntLE(NetlinkLayout.NLMSG_SEQ_OFFSET);
    }

    /** A copy of {@code datagram} with every message's nlmsg_seq set to {@code seq}. */
    public static byte[] withSeq(byte[] datagram, int seq) {
        ByteBuf b = Unpooled.wrappedBuffer(Arrays.copyOf(datagram, datagram.length));
        int at = 0;
        while (at + NetlinkLayout.NLMSG_HDRLEN <= b.capacity()) {
            b.setIntLE(at + NetlinkLayout.NLMSG_SEQ_OFFSET, seq);
            at += NetlinkLayout.nlmsgAlign(b.getIntLE(at));
        }
        return b.array();
    }

    /** An ACK for request {@code seq}, with NETLINK_CAP_ACK's shape. */
    public static byte[] ack(int seq) {
        ByteBuf b = Unpooled.buffer();
        b.writeIntLE(36);                        // nlmsg_len: 16 + 20
        b.writeShortLE(NetlinkLayout.NLMSG_ERROR); // nlmsg_type
        b.writeShortLE(NetlinkLayout.NLM_F_CAPPED); // nlmsg_flags
        b.writeIntLE(seq);                       // nlmsg_seq
        b.writeIntLE(PORT);                      // nlmsg_pid
        b.writeIntLE(0);                         // error: 0, an ACK
        b.writeIntLE(24);                        // echoed nlmsg_len
        b.writeShortLE(0x1f);                    // echoed nlmsg_type
        b.writeShortLE(5);                       // echoed nlmsg_flags
        b.writeIntLE(seq);                       // echoed nlmsg_seq
        b.writeIntLE(PORT);                      // echoed nlmsg_pid
        return drain(b);
    }

    /** An error for request {@code seq} with an extended-ACK text. */
    public static byte[] error(int seq, int errno, String text) {
        byte[] t = (text + '\0').getBytes(StandardCharsets.US_ASCII);
        int attr = NetlinkLayout.NLA_HDRLEN + t.length;
        ByteBuf b = Unpooled.buffer();
        b.writeIntLE(36 + NetlinkLayout.nlaAlign(attr)); // nlmsg_len
        b.writeShortLE(NetlinkLayout.NLMSG_ERROR); // nlmsg_type
        b.writeShortLE(NetlinkLayout.NLM_F_CAPPED | NetlinkLayout.NLM_F_ACK_TLVS); // nlmsg_flags
        b.writeIntLE(seq);                       // nlmsg_seq
        b.writeIntLE(PORT);                      // nlmsg_pid
        b.writeIntLE(-errno);                    // error
        b.writeIntLE(24);                        // echoed nlmsg_len
        b.writeShortLE(0x1f);                    // echoed nlmsg_type
        b.writeShortLE(5);                       // echoed nlmsg_flags
        b.writeIntLE(seq);                       // echoed nlmsg_seq
        b.writeIntLE(PORT);                      // echoed nlmsg_pid
        b.writeShortLE(attr);                    // nla_len
        b.writeShortLE(NetlinkLayout.NLMSGERR_ATTR_MSG); // nla_type
        b.writeBytes(t);                         // the text and its NUL
        b.writeZero(NetlinkLayout.nlaAlign(attr) - attr); // padding
        return drain(b);
    }

    /** The NLMSG_DONE that ends dump {@code seq}: its int is 0, or the -errno that cut it short. */
    public static byte[] done(int seq, int error) {
        ByteBuf b = Unpooled.buffer();
        b.writeIntLE(20);                        // nlmsg_len: 16 + 4
        b.writeShortLE(NetlinkLayout.NLMSG_DONE); // nlmsg_type
        b.writeShortLE(NetlinkLayout.NLM_F_MULTI); // nlmsg_flags
        b.writeIntLE(seq);                       // nlmsg_seq
        b.writeIntLE(PORT);                      // nlmsg_pid
        b.writeIntLE(error);                     // 0, or -errno
        return drain(b);
    }

    /** A generic netlink message of family 0x1f with one u32 attribute (type 1). */
    static byte[] genl(int seq, int cmd, int value) {
        ByteBuf b = Unpooled.buffer();
        b.writeIntLE(28);                        // nlmsg_len: 16 + 4 + 8
        b.writeShortLE(0x1f);                    // nlmsg_type: the family
        b.writeShortLE(0);                       // nlmsg_flags
        b.writeIntLE(seq);                       // nlmsg_seq: 0 for multicast
        b.writeIntLE(seq == 0 ? 0 : PORT);       // nlmsg_pid
        b.writeByte(cmd);                        // genl cmd
        b.writeByte(2);                          // genl version
        b.writeShortLE(0);                       // reserved
        b.writeShortLE(8);                       // nla_len
        b.writeShortLE(1);                       // nla_type
        b.writeIntLE(value);                     // u32
        return drain(b);
    }

    /** The u32 of a {@link #genl} message. */
    static int value(NlMsg msg) {
        return msg.genlAttributes(0).next().u32();
    }

    /** The bytes written into a scratch buffer, which is released. */
    private static byte[] drain(ByteBuf b) {
        try {
            return ByteBufUtil.getBytes(b);
        } finally {
            b.release();
        }
    }

    /** Datagrams joined into one. */
    static byte[] concat(byte[]... parts) {
        return drain(Unpooled.wrappedBuffer(parts));
    }
}
