// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink;

import static org.dropscope.netlink.NetlinkLayout.NLA_HDRLEN;
import static org.dropscope.netlink.NetlinkLayout.NLMSG_HDRLEN;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Writes one netlink message into a {@link ByteBuf}: an nlmsghdr, optionally a genlmsghdr, then
 * attributes, each padded to NLA_ALIGNTO (netlink(7), include/uapi/linux/netlink.h and
 * genetlink.h). Every multi-byte field is written little-endian explicitly (host order on the
 * supported little-endian hosts).
 *
 * <pre>
 *   ByteBuf req = NlMsgBuilder.start(alloc.buffer(), familyId, 0)
 *           .genl(NET_DM_CMD_CONFIG, 2)
 *           .u8(NET_DM_ATTR_ALERT_MODE, NET_DM_ALERT_MODE_PACKET)
 *           .u32(NET_DM_ATTR_TRUNC_LEN, 128)
 *           .finish();
 * </pre>
 *
 * <p>{@code nlmsg_seq} and {@code nlmsg_pid} start as 0: {@link NetlinkClient} stamps the sequence
 * number and the kernel fills in the port id. Several messages may be written one after the other
 * into the same buffer; {@link #finish()} patches the length of this one.
 *
 * <p>Not thread-safe; the builder does not own the buffer (the caller, or the client it is handed
 * to, releases it).
 */
public final class NlMsgBuilder {

    private final ByteBuf out;
    private final int start;
    private boolean finished;

    private NlMsgBuilder(ByteBuf out, int type, int flags) {
        this.out = out;
        this.start = out.writerIndex();
        new NlMsgHeader(0, type, flags, 0, 0).encode(out);
    }

    /**
     * Starts a message at the writer index of {@code out}.
     *
     * @param type nlmsg_type: a generic netlink family id, or NLMSG_* / a classic protocol type
     * @param flags nlmsg_flags; {@link NetlinkClient} adds NLM_F_REQUEST and NLM_F_ACK itself
     */
    public static NlMsgBuilder start(ByteBuf out, int type, int flags) {
        return new NlMsgBuilder(out, type, flags);
    }

    /** Sets nlmsg_seq (normally left to {@link NetlinkClient}). */
    public NlMsgBuilder seq(int seq) {
        out.setIntLE(start + NetlinkLayout.NLMSG_SEQ_OFFSET, seq);
        return this;
    }

    /** Adds the genlmsghdr: the family's command and interface version, reserved 0. */
    public NlMsgBuilder genl(int cmd, int version) {
        new GenlHeader(cmd, version, 0).encode(out);
        return this;
    }

    /** An NLA_U8 attribute: 1 byte of payload, 3 of padding. */
    public NlMsgBuilder u8(int type, int value) {
        header(type, Byte.BYTES);
        out.writeByte(value);
        return pad();
    }

    /** An NLA_U16 attribute. */
    public NlMsgBuilder u16(int type, int value) {
        header(type, Short.BYTES);
        out.writeShortLE(value);
        return pad();
    }

    /** An NLA_U32 attribute. */
    public NlMsgBuilder u32(int type, int value) {
        header(type, Integer.BYTES);
        out.writeIntLE(value);
        return this;
    }

    /** An NLA_U64 attribute, payload wherever it falls (4-byte aligned), as nla_put_u64 does. */
    public NlMsgBuilder u64(int type, long value) {
        header(type, Long.BYTES);
        out.writeLongLE(value);
        return this;
    }

    /**
     * An NLA_U64 attribute whose payload is 8-byte aligned relative to the message start, as the
     * kernel's nla_put_u64_64bit() lays it out on architectures without efficient unaligned
     * access: if the payload would be misaligned, an empty attribute of type {@code padType}
     * (NET_DM_ATTR_PAD for NET_DM) goes first. x86_64 and arm64 kernels never pad; readers must
     * skip the PAD attribute either way.
     */
    public NlMsgBuilder u64Aligned(int type, long value, int padType) {
        if (((out.writerIndex() - start + NLA_HDRLEN) & (Long.BYTES - 1)) != 0) {
            header(padType, 0);
        }
        return u64(type, value);
    }

    /** An NLA_NUL_STRING attribute: the UTF-8 bytes, a NUL, padding. */
    public NlMsgBuilder string(int type, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        header(type, bytes.length + 1);
        out.writeBytes(bytes).writeByte(0);
        return pad();
    }

    /** An NLA_FLAG attribute: a header without payload. */
    public NlMsgBuilder flag(int type) {
        header(type, 0);
        return this;
    }

    /** An NLA_BINARY attribute, padded. */
    public NlMsgBuilder bytes(int type, byte[] value) {
        header(type, value.length);
        out.writeBytes(value);
        return pad();
    }

    /**
     * Opens a nested attribute; close it with {@link #endNest(int)}.
     *
     * @param type the nest's type; pass {@code type | NLA_F_NESTED} where the receiving family
     *     wants the flag (strictly validated families do, nlctrl and NET_DM accept both)
     * @return the nest's offset, for {@link #endNest(int)}
     */
    public int beginNest(int type) {
        int at = out.writerIndex();
        header(type, 0);
        return at;
    }

    /** Closes the nest opened at {@code nestStart}, setting its nla_len over everything since. */
    public NlMsgBuilder endNest(int nestStart) {
        int len = out.writerIndex() - nestStart;
        if (len > 0xffff) {
            throw new IllegalStateException("nested attribute of " + len + " bytes exceeds nla_len");
        }
        out.setShortLE(nestStart + NetlinkLayout.NLA_LEN_OFFSET, len);
        return this;
    }

    /** The bytes written so far for this message, header included. */
    public int length() {
        return out.writerIndex() - start;
    }

    /**
     * Sets nlmsg_len and returns the buffer, now readable up to the end of this message.
     *
     * @throws IllegalStateException if called twice
     */
    public ByteBuf finish() {
        if (finished) {
            throw new IllegalStateException("message already finished");
        }
        finished = true;
        out.setIntLE(start + NetlinkLayout.NLMSG_LEN_OFFSET, length());
        return out;
    }

    private void header(int type, int payloadLength) {
        if (finished) {
            throw new IllegalStateException("message already finished");
        }
        if (out.writerIndex() - start < NLMSG_HDRLEN) {
            throw new IllegalStateException("no nlmsghdr");
        }
        int len = NLA_HDRLEN + payloadLength;
        if (len > 0xffff) {
            throw new IllegalArgumentException("attribute of " + payloadLength + " bytes exceeds nla_len");
        }
        out.writeShortLE(len).writeShortLE(type);
    }

    private NlMsgBuilder pad() {
        int used = out.writerIndex() - start;
        out.writeZero(NetlinkLayout.nlaAlign(used) - used);
        return this;
    }
}
