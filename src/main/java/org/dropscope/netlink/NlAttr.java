// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink;

import static org.dropscope.netlink.NetlinkLayout.NLA_F_NESTED;
import static org.dropscope.netlink.NetlinkLayout.NLA_F_NET_BYTEORDER;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;

/**
 * One netlink attribute ({@code struct nlattr}, include/uapi/linux/netlink.h): a type and a
 * payload, as {@link NlAttrDecoder} framed it.
 *
 * <p>The typed getters check that the payload holds the value (at least 1, 2, 4 or 8 bytes, as
 * the kernel's policy validation does for NLA_U8 ... NLA_U64) and read it in host byte order,
 * little-endian, unless the sender set NLA_F_NET_BYTEORDER: then the value is big-endian.
 *
 * <p>{@link #payload()} is a plain slice of the buffer being decoded (no copy, no reference count
 * of its own; see {@link NlMsg}). {@link #string()}, {@link #bytes()} and the numbers are copies.
 *
 * @param type nla_type with NLA_F_NESTED and NLA_F_NET_BYTEORDER masked off; type 0 is a real
 *     attribute in some families (NET_DM's summary struct, its port and stats nests)
 * @param flags the NLA_F_NESTED and NLA_F_NET_BYTEORDER bits of nla_type
 * @param payload the nla_len - 4 payload bytes, readable from index 0; padding excluded
 */
public record NlAttr(int type, int flags, ByteBuf payload) {

    /** The payload length: nla_len minus the 4-byte header. */
    public int length() {
        return payload.readableBytes();
    }

    /** Whether the sender marked the attribute as nested (not every family does). */
    public boolean isNested() {
        return (flags & NLA_F_NESTED) != 0;
    }

    /** Whether the sender marked the payload as network (big-endian) byte order. */
    public boolean isNetByteOrder() {
        return (flags & NLA_F_NET_BYTEORDER) != 0;
    }

    /** An NLA_U8 payload, 0 to 255. */
    public int u8() {
        require(Byte.BYTES);
        return payload.getUnsignedByte(payload.readerIndex());
    }

    /** An NLA_U16 payload, 0 to 65535. */
    public int u16() {
        require(Short.BYTES);
        int at = payload.readerIndex();
        // NLA_F_NET_BYTEORDER: the sender stored the value big-endian (e.g. ports, ethertypes).
        return isNetByteOrder() ? payload.getUnsignedShort(at) : payload.getUnsignedShortLE(at);
    }

    /** An NLA_U32 payload; use {@link Integer#toUnsignedLong(int)} for values above 2^31 - 1. */
    public int u32() {
        require(Integer.BYTES);
        int at = payload.readerIndex();
        // NLA_F_NET_BYTEORDER: big-endian on the wire.
        return isNetByteOrder() ? payload.getInt(at) : payload.getIntLE(at);
    }

    /** An NLA_U64 payload (unsigned; see {@link Long#toUnsignedString(long)}). */
    public long u64() {
        require(Long.BYTES);
        int at = payload.readerIndex();
        // NLA_F_NET_BYTEORDER: big-endian on the wire.
        return isNetByteOrder() ? payload.getLong(at) : payload.getLongLE(at);
    }

    /**
     * An NLA_STRING or NLA_NUL_STRING payload: the bytes up to the first NUL, or all of them if
     * there is none (NLA_STRING need not be terminated), decoded as UTF-8.
     */
    public String string() {
        int from = payload.readerIndex();
        int end = payload.indexOf(from, payload.writerIndex(), (byte) 0);
        int len = (end < 0 ? payload.writerIndex() : end) - from;
        return payload.toString(from, len, StandardCharsets.UTF_8);
    }

    /** An NLA_BINARY payload, copied. */
    public byte[] bytes() {
        return ByteBufUtil.getBytes(payload);
    }

    private void require(int size) {
        if (payload.readableBytes() < size) {
            throw new NetlinkDecoderException("nlattr type " + type + ": " + payload.readableBytes()
                    + " payload bytes (expected: " + size + "+ bytes)");
        }
    }

    @Override
    public String toString() {
        return "nlattr[type=" + type + (isNested() ? " nested" : "") + (isNetByteOrder() ? " net-byteorder" : "")
                + " len=" + length() + ']';
    }
}
