// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink;

import io.netty.buffer.ByteBuf;

/**
 * One netlink message framed inside a datagram by {@link NlMsgDecoder}: its header and its
 * payload (everything after the 16-byte nlmsghdr, up to nlmsg_len).
 *
 * <p><b>Ownership.</b> {@link #payload()} is a plain {@code slice()} of the buffer the message was
 * framed from: no copy, no reference count of its own. It is valid only while that buffer is (in
 * {@link NetlinkClient}, during the callback or reply decoder it is handed to); whoever needs
 * bytes later copies them, or takes a {@code retainedSlice()} and releases it. Every decoder in
 * this package copies the values it returns.
 *
 * @param header the nlmsghdr
 * @param payload the payload, readable from its index 0 to exactly {@code header.payloadLength()}
 */
public record NlMsg(NlMsgHeader header, ByteBuf payload) {

    /** nlmsg_type. */
    public int type() {
        return header.type();
    }

    /** nlmsg_seq. */
    public int seq() {
        return header.seq();
    }

    /**
     * The generic netlink header at the start of the payload, for messages of a generic netlink
     * family; the payload's reader index is not moved.
     *
     * @throws NetlinkDecoderException if the payload is shorter than a genlmsghdr
     */
    public GenlHeader genlHeader() {
        GenlHeader genl = GenlHeader.decode(payload.duplicate());
        if (genl == null) {
            throw NetlinkDecoderException.incomplete("genlmsghdr", payload.readableBytes(),
                    NetlinkLayout.GENL_HDRLEN);
        }
        return genl;
    }

    /**
     * The attributes after the generic netlink header and a family header of {@code hdrSize}
     * bytes (0 for most families; see {@link GenlFamily#hdrSize()}).
     *
     * @throws NetlinkDecoderException if the payload is shorter than the two headers
     */
    public NlAttrs genlAttributes(int hdrSize) {
        int skip = NetlinkLayout.GENL_HDRLEN + NetlinkLayout.nlmsgAlign(hdrSize);
        if (payload.readableBytes() < skip) {
            throw NetlinkDecoderException.incomplete("genlmsghdr", payload.readableBytes(), skip);
        }
        return NlAttrs.of(payload.slice(payload.readerIndex() + skip, payload.readableBytes() - skip));
    }

    /**
     * Writes the message as it was framed, header and payload ({@code nlmsg_len} bytes), at the
     * writer index of {@code out}: the bytes the kernel sent. The payload's indexes are not moved.
     */
    public ByteBuf encode(ByteBuf out) {
        header.encode(out);
        return out.writeBytes(payload, payload.readerIndex(), payload.readableBytes());
    }

    @Override
    public String toString() {
        return "NlMsg[" + header + ", " + payload.readableBytes() + " payload bytes]";
    }
}
