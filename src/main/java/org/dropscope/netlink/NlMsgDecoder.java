// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink;

import static org.dropscope.netlink.NetlinkLayout.NLMSG_HDRLEN;

import io.netty.buffer.ByteBuf;
import java.util.function.Consumer;

/**
 * Frames netlink messages (netlink(7), include/uapi/linux/netlink.h): an nlmsghdr whose
 * {@code nlmsg_len} covers header and payload, then padding to NLMSG_ALIGNTO (4) before the next
 * message of the same datagram.
 *
 * <p>Stateless, with the contract of Netty's {@code DefaultDnsRecordDecoder}: {@link #decode}
 * saves the reader index; if the header or the length it declares is not all readable, it leaves
 * the reader index where it was and returns null; on success it sets the reader index to the
 * start plus NLMSG_ALIGN(nlmsg_len), whatever the caller later reads of the payload. A last
 * message whose padding is missing ends at the writer index.
 *
 * <p>Inside a received datagram a null means the datagram was cut short (MSG_TRUNC) or is
 * corrupt; {@link #forEach} reports that as a {@link NetlinkDecoderException}.
 */
public final class NlMsgDecoder {

    private NlMsgDecoder() {
    }

    /**
     * Frames the message at the reader index.
     *
     * @return the message, its payload a slice of {@code in} (see {@link NlMsg} for its
     *     lifetime); null if not all of it is readable yet
     * @throws NetlinkDecoderException if nlmsg_len is smaller than the header itself; the reader
     *     index is then unchanged, and nothing after it in this buffer can be framed
     */
    public static NlMsg decode(ByteBuf in) {
        int start = in.readerIndex();
        int readable = in.readableBytes();
        if (readable < NLMSG_HDRLEN) {
            return null;
        }
        long length = in.getUnsignedIntLE(start + NetlinkLayout.NLMSG_LEN_OFFSET);
        if (length < NLMSG_HDRLEN) {
            throw new NetlinkDecoderException("nlmsg_len " + length + " is shorter than the nlmsghdr (expected: "
                    + NLMSG_HDRLEN + "+ bytes)");
        }
        if (length > readable) {
            return null;
        }
        NlMsgHeader header = NlMsgHeader.decode(in);
        ByteBuf payload = in.slice(start + NLMSG_HDRLEN, (int) length - NLMSG_HDRLEN);
        in.readerIndex(start + Math.min(NetlinkLayout.nlmsgAlign((int) length), readable));
        return new NlMsg(header, payload);
    }

    /**
     * Frames every message of a datagram, from the reader index to the writer index, and hands
     * each to {@code handler} in order. Afterwards nothing is readable.
     *
     * @return the number of messages handed over
     * @throws NetlinkDecoderException if a header is corrupt or the bytes end inside a message;
     *     the messages before it have been handled, the rest of the datagram is skipped
     */
    public static int forEach(ByteBuf datagram, Consumer<NlMsg> handler) {
        int count = 0;
        while (datagram.isReadable()) {
            NlMsg msg;
            try {
                msg = decode(datagram);
            } catch (NetlinkDecoderException e) {
                datagram.skipBytes(datagram.readableBytes());
                throw e;
            }
            if (msg == null) {
                int left = datagram.readableBytes();
                String what = left < NLMSG_HDRLEN
                        ? "incomplete nlmsghdr: " + left + " bytes (expected: " + NLMSG_HDRLEN + "+ bytes)"
                        : "nlmsg_len " + datagram.getUnsignedIntLE(datagram.readerIndex()) + " exceeds remaining "
                                + left;
                datagram.skipBytes(left);
                throw new NetlinkDecoderException(what);
            }
            count++;
            handler.accept(msg);
        }
        return count;
    }
}
