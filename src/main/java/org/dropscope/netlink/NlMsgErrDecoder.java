// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink;

import static org.dropscope.netlink.NetlinkLayout.NLMSGERR_ATTR_MISS_NEST;
import static org.dropscope.netlink.NetlinkLayout.NLMSGERR_ATTR_MISS_TYPE;
import static org.dropscope.netlink.NetlinkLayout.NLMSGERR_ATTR_MSG;
import static org.dropscope.netlink.NetlinkLayout.NLMSGERR_ATTR_OFFS;
import static org.dropscope.netlink.NetlinkLayout.NLMSGERR_SIZE;
import static org.dropscope.netlink.NetlinkLayout.NLMSG_HDRLEN;
import static org.dropscope.netlink.NetlinkLayout.NLM_F_ACK_TLVS;
import static org.dropscope.netlink.NetlinkLayout.NLM_F_CAPPED;

import io.netty.buffer.ByteBuf;
import java.util.OptionalInt;

/**
 * Decodes the payload of an NLMSG_ERROR message into an {@link NlMsgErr} (netlink(7),
 * include/uapi/linux/netlink.h):
 * <pre>
 *   int error;                  negative errno, 0 for an ACK
 *   struct nlmsghdr msg;        the request's header
 *   [request payload]           unless NLM_F_CAPPED: absent with NETLINK_CAP_ACK, and always
 *                               absent from an ACK (error 0)
 *   [extended-ACK attributes]   if NLM_F_ACK_TLVS (NETLINK_EXT_ACK)
 * </pre>
 * The two flags are in the NLMSG_ERROR message's own header, not the echoed one. The echoed
 * header's nlmsg_len is the request's full length whether or not its body follows, so it locates
 * the attributes only when the body is there.
 */
public final class NlMsgErrDecoder {

    private static final NlPolicy<Builder> EXT_ACK = NlPolicy.<Builder>builder("extended ACK")
            .string(NLMSGERR_ATTR_MSG, "NLMSGERR_ATTR_MSG", (b, s) -> b.message = s)
            .u32(NLMSGERR_ATTR_OFFS, "NLMSGERR_ATTR_OFFS", (b, v) -> b.offset = OptionalInt.of(v))
            .u32(NLMSGERR_ATTR_MISS_TYPE, "NLMSGERR_ATTR_MISS_TYPE", (b, v) -> b.missingType = OptionalInt.of(v))
            .u32(NLMSGERR_ATTR_MISS_NEST, "NLMSGERR_ATTR_MISS_NEST", (b, v) -> b.missingNest = OptionalInt.of(v))
            .build();

    private NlMsgErrDecoder() {
    }

    /**
     * Decodes an NLMSG_ERROR message.
     *
     * @throws IllegalArgumentException if {@code msg} is not an NLMSG_ERROR message
     * @throws NetlinkDecoderException if the payload is too short for a {@code struct nlmsgerr},
     *     the echoed request runs past the end, or the extended-ACK attributes are malformed
     */
    public static NlMsgErr decode(NlMsg msg) {
        if (!msg.header().isError()) {
            throw new IllegalArgumentException("not an NLMSG_ERROR message: " + msg.header());
        }
        return decode(msg.payload().duplicate(), msg.header().flags());
    }

    /**
     * Decodes a {@code struct nlmsgerr} and what follows it, from the reader index to the writer
     * index of {@code payload}.
     *
     * @param flags the nlmsg_flags of the NLMSG_ERROR message carrying it
     */
    public static NlMsgErr decode(ByteBuf payload, int flags) {
        int start = payload.readerIndex();
        int length = payload.readableBytes();
        if (length < NLMSGERR_SIZE) {
            throw NetlinkDecoderException.incomplete("nlmsgerr", length, NLMSGERR_SIZE);
        }
        int error = payload.readIntLE();
        NlMsgHeader request = NlMsgHeader.decode(payload);
        if ((flags & NLM_F_ACK_TLVS) == 0) {
            return new NlMsgErr(error, request);
        }
        int tlvs = NLMSGERR_SIZE;
        if ((flags & NLM_F_CAPPED) == 0) {
            long echoed = Integer.toUnsignedLong(request.length());
            if (echoed < NLMSG_HDRLEN || NetlinkLayout.NLMSGERR_MSG_OFFSET + echoed > length) {
                throw new NetlinkDecoderException("nlmsgerr echoes a request of nlmsg_len " + echoed
                        + ", exceeds remaining " + (length - NetlinkLayout.NLMSGERR_MSG_OFFSET));
            }
            tlvs = NetlinkLayout.NLMSGERR_MSG_OFFSET + NetlinkLayout.nlmsgAlign((int) echoed);
        }
        Builder b = new Builder();
        int from = Math.min(start + tlvs, payload.writerIndex());
        EXT_ACK.parse(NlAttrs.of(payload.slice(from, payload.writerIndex() - from)), b);
        payload.readerIndex(payload.writerIndex());
        return new NlMsgErr(error, request, b.message, b.offset, b.missingType, b.missingNest);
    }

    private static final class Builder {
        String message;
        OptionalInt offset = OptionalInt.empty();
        OptionalInt missingType = OptionalInt.empty();
        OptionalInt missingNest = OptionalInt.empty();
    }
}
