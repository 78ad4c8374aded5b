// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink;

import static org.dropscope.netlink.NetlinkLayout.NLA_HDRLEN;

import io.netty.buffer.ByteBuf;

/**
 * The attributes of one complete range: a message's attribute area or a nested attribute's
 * payload (netlink(7), include/uapi/linux/netlink.h). Read them in order with {@link #next()}.
 *
 * <p>Because the range is complete, what {@link NlAttrDecoder} would call incomplete is an error
 * here: {@code "incomplete nlattr: 3 bytes (expected: 4+ bytes)"} for trailing bytes too few for a
 * header, {@code "nla_len 900 exceeds remaining 120"} for an attribute running past the end.
 *
 * <p>Nesting is capped: {@link #nested(NlAttr)} counts levels and refuses to go deeper than
 * {@link #maxDepth()} (by default {@value #DEFAULT_MAX_DEPTH}), so a decoder that follows nests
 * cannot be driven into unbounded recursion by its input.
 *
 * <p>Reads advance the reader index of the range buffer given to {@link #of}; the buffer is not
 * retained or released.
 */
public final class NlAttrs {

    /** Levels of nesting allowed below the top level: NET_DM and nlctrl use at most 2. */
    public static final int DEFAULT_MAX_DEPTH = 8;

    private final ByteBuf range;
    private final int depth;
    private final int maxDepth;

    private NlAttrs(ByteBuf range, int depth, int maxDepth) {
        this.range = range;
        this.depth = depth;
        this.maxDepth = maxDepth;
    }

    /** The attributes from the reader index to the writer index of {@code range}, at depth 0. */
    public static NlAttrs of(ByteBuf range) {
        return of(range, DEFAULT_MAX_DEPTH);
    }

    /** As {@link #of(ByteBuf)} with another nesting cap. */
    public static NlAttrs of(ByteBuf range, int maxDepth) {
        if (maxDepth < 0) {
            throw new IllegalArgumentException("maxDepth " + maxDepth);
        }
        return new NlAttrs(range, 0, maxDepth);
    }

    /**
     * The next attribute, or null at the end of the range.
     *
     * @throws NetlinkDecoderException if the remaining bytes do not hold a whole attribute; the
     *     rest of the range is then skipped
     */
    public NlAttr next() {
        int left = range.readableBytes();
        if (left == 0) {
            return null;
        }
        NlAttr attr;
        try {
            attr = NlAttrDecoder.decode(range);
        } catch (NetlinkDecoderException e) {
            range.skipBytes(left);
            throw e;
        }
        if (attr == null) {
            range.skipBytes(left);
            if (left < NLA_HDRLEN) {
                throw NetlinkDecoderException.incomplete("nlattr", left, NLA_HDRLEN);
            }
            int len = range.getUnsignedShortLE(range.readerIndex() - left);
            throw new NetlinkDecoderException("nla_len " + len + " exceeds remaining " + left);
        }
        return attr;
    }

    /**
     * The attributes inside {@code attr}'s payload, one level deeper. The NLA_F_NESTED bit is not
     * required: nlctrl, for one, nests without it.
     *
     * @throws NetlinkDecoderException if that would exceed {@link #maxDepth()}
     */
    public NlAttrs nested(NlAttr attr) {
        if (depth >= maxDepth) {
            throw new NetlinkDecoderException("nlattr nesting too deep: type " + attr.type() + " at level "
                    + (depth + 1) + " (expected: at most " + maxDepth + " levels)");
        }
        ByteBuf p = attr.payload();
        return new NlAttrs(p.slice(p.readerIndex(), p.readableBytes()), depth + 1, maxDepth);
    }

    /** The nesting level: 0 for a message's own attributes. */
    public int depth() {
        return depth;
    }

    public int maxDepth() {
        return maxDepth;
    }

    /** Bytes not yet read in this range. */
    public int remaining() {
        return range.readableBytes();
    }
}
