// SPDX-License-Identifier: Apache-2.0
package org.dropscope.testing;

import static org.dropscope.netlink.NetlinkLayout.GENL_CMD_OFFSET;
import static org.dropscope.netlink.NetlinkLayout.GENL_HDRLEN;
import static org.dropscope.netlink.NetlinkLayout.GENL_VERSION_OFFSET;
import static org.dropscope.netlink.NetlinkLayout.NLA_F_NESTED;
import static org.dropscope.netlink.NetlinkLayout.NLA_HDRLEN;
import static org.dropscope.netlink.NetlinkLayout.NLA_TYPE_MASK;
import static org.dropscope.netlink.NetlinkLayout.NLMSGERR_ERROR_OFFSET;
import static org.dropscope.netlink.NetlinkLayout.NLMSGERR_MSG_OFFSET;
import static org.dropscope.netlink.NetlinkLayout.NLMSG_ERROR;
import static org.dropscope.netlink.NetlinkLayout.NLMSG_FLAGS_OFFSET;
import static org.dropscope.netlink.NetlinkLayout.NLMSG_HDRLEN;
import static org.dropscope.netlink.NetlinkLayout.NLMSG_LEN_OFFSET;
import static org.dropscope.netlink.NetlinkLayout.NLMSG_PID_OFFSET;
import static org.dropscope.netlink.NetlinkLayout.NLMSG_SEQ_OFFSET;
import static org.dropscope.netlink.NetlinkLayout.NLMSG_TYPE_OFFSET;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One raw netlink message, as captured, with just enough reading for tests to tell messages apart
 * and check their framing: the {@code nlmsghdr}, the generic netlink header, the top-level
 * attributes, and an error message's code and request header. Not a decoder: dropscope's own
 * decoders live in {@code org.dropscope.netlink}. Host (little-endian, x86_64) byte order.
 * Instances are equal only to themselves: two captured messages with the same bytes are two messages.
 */
public final class RawNetlink {
    private final byte[] bytes;

    /** One attribute: its type without the flag bits, whether it is nested, its payload. */
    public record Attr(int type, boolean nested, byte[] payload) {
        public int u8() {
            return payload[0] & 0xff;
        }

        public int u16() {
            return Short.toUnsignedInt(le(payload).getShort(0));
        }

        public long u32() {
            return Integer.toUnsignedLong(le(payload).getInt(0));
        }

        public long u64() {
            return le(payload).getLong(0);
        }

        /** A NUL-terminated string payload, without the NUL. */
        public String string() {
            int end = 0;
            while (end < payload.length && payload[end] != 0) {
                end++;
            }
            return new String(payload, 0, end, StandardCharsets.US_ASCII);
        }

        /** The attributes nested in this one. */
        public List<Attr> children() {
            return attributes(payload, 0, payload.length);
        }
    }

    public RawNetlink(byte[] bytes) {
        if (bytes.length < NLMSG_HDRLEN) {
            throw new IllegalArgumentException("netlink message of " + bytes.length + " bytes, shorter than nlmsghdr");
        }
        this.bytes = bytes.clone();
    }

    /** Splits one netlink datagram into its messages (each {@code nlmsg_len} long, 4-byte aligned). */
    public static List<RawNetlink> split(byte[] datagram) {
        List<RawNetlink> messages = new ArrayList<>();
        ByteBuffer b = le(datagram);
        int at = 0;
        while (at < datagram.length) {
            if (datagram.length - at < NLMSG_HDRLEN) {
                throw new IllegalArgumentException(datagram.length - at + " bytes left at " + at
                        + ", less than an nlmsghdr");
            }
            int len = b.getInt(at + NLMSG_LEN_OFFSET);
            if (len < NLMSG_HDRLEN || len > datagram.length - at) {
                throw new IllegalArgumentException("nlmsg_len " + len + " at " + at + " outside 16.."
                        + (datagram.length - at));
            }
            messages.add(new RawNetlink(Arrays.copyOfRange(datagram, at, at + len)));
            at += align(len);
        }
        return messages;
    }

    /** A copy of the message's bytes. */
    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public String toString() {
        return "netlink message type " + type() + " flags 0x" + Integer.toHexString(flags()) + " seq " + seq()
                + " (" + bytes.length + " bytes)";
    }

    public long length() {
        return Integer.toUnsignedLong(le(bytes).getInt(NLMSG_LEN_OFFSET));
    }

    public int type() {
        return Short.toUnsignedInt(le(bytes).getShort(NLMSG_TYPE_OFFSET));
    }

    public int flags() {
        return Short.toUnsignedInt(le(bytes).getShort(NLMSG_FLAGS_OFFSET));
    }

    public long seq() {
        return Integer.toUnsignedLong(le(bytes).getInt(NLMSG_SEQ_OFFSET));
    }

    public long pid() {
        return Integer.toUnsignedLong(le(bytes).getInt(NLMSG_PID_OFFSET));
    }

    /** The generic netlink command (the byte after the nlmsghdr). */
    public int genlCmd() {
        return bytes[NLMSG_HDRLEN + GENL_CMD_OFFSET] & 0xff;
    }

    public int genlVersion() {
        return bytes[NLMSG_HDRLEN + GENL_VERSION_OFFSET] & 0xff;
    }

    /** The attributes after the generic netlink header (family header size 0). */
    public List<Attr> genlAttributes() {
        return attributes(bytes, NLMSG_HDRLEN + GENL_HDRLEN, bytes.length);
    }

    /** The first top-level attribute of {@code type}, or {@code null}. */
    public Attr genlAttribute(int type) {
        return genlAttributes().stream().filter(a -> a.type() == type).findFirst().orElse(null);
    }

    public boolean isError() {
        return type() == NLMSG_ERROR;
    }

    /** An NLMSG_ERROR's code: 0 for an ACK, else a negative errno. */
    public int error() {
        checkError();
        return le(bytes).getInt(NLMSG_HDRLEN + NLMSGERR_ERROR_OFFSET);
    }

    /** The header of the request an NLMSG_ERROR answers (the request itself may be cut off). */
    public RawNetlink request() {
        checkError();
        int from = NLMSG_HDRLEN + NLMSGERR_MSG_OFFSET;
        return new RawNetlink(Arrays.copyOfRange(bytes, from, from + NLMSG_HDRLEN));
    }

    private void checkError() {
        if (!isError()) {
            throw new IllegalStateException("type " + type() + " is not NLMSG_ERROR");
        }
    }

    /** The attributes in {@code buf[from, to)}. */
    static List<Attr> attributes(byte[] buf, int from, int to) {
        List<Attr> attrs = new ArrayList<>();
        ByteBuffer b = le(buf);
        int at = from;
        while (to - at >= NLA_HDRLEN) {
            int len = Short.toUnsignedInt(b.getShort(at));
            int type = Short.toUnsignedInt(b.getShort(at + 2));
            if (len < NLA_HDRLEN || len > to - at) {
                throw new IllegalArgumentException("nla_len " + len + " at " + at + " outside 4.." + (to - at));
            }
            attrs.add(new Attr(type & NLA_TYPE_MASK, (type & NLA_F_NESTED) != 0,
                    Arrays.copyOfRange(buf, at + NLA_HDRLEN, at + len)));
            at += align(len);
        }
        return attrs;
    }

    static int align(int len) {
        return (len + 3) & ~3;
    }

    static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }
}
