// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink;

import static org.dropscope.netlink.NetlinkLayout.NLA_HDRLEN;
import static org.dropscope.netlink.NetlinkLayout.NLA_TYPE_MASK;

import io.netty.buffer.ByteBuf;

/**
 * Frames one netlink attribute (include/uapi/linux/netlink.h): {@code __u16 nla_len} (header
 * and payload, padding not counted), {@code __u16 nla_type} (type and the NLA_F_NESTED /
 * NLA_F_NET_BYTEORDER bits), the payload, padding to NLA_ALIGNTO (4).
 *
 * <p>Stateless, with the decoders' contract: {@link #decode} returns null and leaves the reader
 * index alone if the 4-byte header or the payload it declares is not all readable; on success it
 * sets the reader index to the start plus NLA_ALIGN(nla_len), or to the writer index when the
 * last attribute of a range lacks its padding. Inside a complete range (a message, a nest) use
 * {@link NlAttrs}, which turns an incomplete attribute into an error.
 */
public final class NlAttrDecoder {

    private NlAttrDecoder() {
    }

    /**
     * Frames the attribute at the reader index.
     *
     * @return the attribute, its payload a slice of {@code in}; null if not all of it is readable
     * @throws NetlinkDecoderException if nla_len is smaller than the attribute header; the reader
     *     index is then unchanged
     */
    public static NlAttr decode(ByteBuf in) {
        int start = in.readerIndex();
        int readable = in.readableBytes();
        if (readable < NLA_HDRLEN) {
            return null;
        }
        int len = in.getUnsignedShortLE(start + NetlinkLayout.NLA_LEN_OFFSET);
        int rawType = in.getUnsignedShortLE(start + NetlinkLayout.NLA_TYPE_OFFSET);
        if (len < NLA_HDRLEN) {
            throw new NetlinkDecoderException("nla_len " + len + " is shorter than the nlattr header (expected: "
                    + NLA_HDRLEN + "+ bytes)");
        }
        if (len > readable) {
            return null;
        }
        ByteBuf payload = in.slice(start + NLA_HDRLEN, len - NLA_HDRLEN);
        in.readerIndex(start + Math.min(NetlinkLayout.nlaAlign(len), readable));
        return new NlAttr(rawType & NLA_TYPE_MASK, rawType & ~NLA_TYPE_MASK, payload);
    }
}
