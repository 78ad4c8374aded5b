// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink;

import static org.dropscope.netlink.NetlinkLayout.NLMSG_DONE;
import static org.dropscope.netlink.NetlinkLayout.NLMSG_ERROR;
import static org.dropscope.netlink.NetlinkLayout.NLMSG_HDRLEN;

import io.netty.buffer.ByteBuf;

/**
 * A {@code struct nlmsghdr} (include/uapi/linux/netlink.h; netlink(7)): 16 bytes in host byte
 * order, read and written little-endian explicitly.
 *
 * <p>{@link #decode(ByteBuf)} reads exactly the 16 header bytes and checks nothing about
 * {@code nlmsg_len}: that is how the header echoed inside an {@code nlmsgerr} must be read, since
 * with NETLINK_CAP_ACK its body is not there. To frame a message, header and body, use
 * {@link NlMsgDecoder}.
 *
 * @param length nlmsg_len: header, payload and nothing else (padding to 4 bytes not counted by
 *     the kernel's own messages, which are padded anyway); unsigned, but never above 2^31 in
 *     practice
 * @param type nlmsg_type: NLMSG_ERROR, NLMSG_DONE, ... or a generic netlink family id (u16)
 * @param flags nlmsg_flags (u16)
 * @param seq nlmsg_seq: the request's sequence number in replies, 0 in multicast notifications
 * @param portId nlmsg_pid: the sending or receiving socket's port id, 0 for the kernel
 */
public record NlMsgHeader(int length, int type, int flags, int seq, int portId) {

    /**
     * Reads one header at the reader index. Returns null, with the reader index unchanged, if
     * fewer than 16 bytes are readable; on success the reader index moves past the 16 bytes.
     */
    public static NlMsgHeader decode(ByteBuf in) {
        if (in.readableBytes() < NLMSG_HDRLEN) {
            return null;
        }
        int length = in.readIntLE();
        int type = in.readUnsignedShortLE();
        int flags = in.readUnsignedShortLE();
        int seq = in.readIntLE();
        int portId = in.readIntLE();
        return new NlMsgHeader(length, type, flags, seq, portId);
    }

    /** Writes the 16 header bytes at the writer index. */
    public ByteBuf encode(ByteBuf out) {
        return out.writeIntLE(length).writeShortLE(type).writeShortLE(flags).writeIntLE(seq).writeIntLE(portId);
    }

    /** Whether every bit of {@code flag} is set. */
    public boolean hasFlags(int flag) {
        return (flags & flag) == flag;
    }

    /** An NLMSG_ERROR message: an error or, with error 0, an ACK. */
    public boolean isError() {
        return type == NLMSG_ERROR;
    }

    /** The end of a multipart (dump) reply. */
    public boolean isDone() {
        return type == NLMSG_DONE;
    }

    @Override
    public String toString() {
        return "nlmsghdr[len=" + Integer.toUnsignedString(length) + " type=" + type + " flags=0x"
                + Integer.toHexString(flags) + " seq=" + Integer.toUnsignedString(seq) + " pid="
                + Integer.toUnsignedString(portId) + ']';
    }
}
