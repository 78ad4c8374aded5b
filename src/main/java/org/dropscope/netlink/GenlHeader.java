// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink;

import static org.dropscope.netlink.NetlinkLayout.GENL_HDRLEN;

import io.netty.buffer.ByteBuf;

/**
 * A {@code struct genlmsghdr} (include/uapi/linux/genetlink.h): the 4 bytes that follow the
 * nlmsghdr of every generic netlink message. A family may add its own fixed header after it
 * ({@code hdrsize} in its {@link GenlFamily}; 0 for NET_DM and nlctrl), then come attributes.
 *
 * <p>{@link #decode(ByteBuf)} follows the decoders' contract: null and the reader index unchanged
 * if fewer than 4 bytes are readable, otherwise the reader index moves past the 4 bytes.
 *
 * @param cmd the family's command (u8)
 * @param version the family's interface version (u8): senders put their family's version, and
 *     most families, nlctrl and NET_DM included, do not check what requests carry
 * @param reserved the reserved u16, 0 on the wire
 */
public record GenlHeader(int cmd, int version, int reserved) {

    /** Reads a genlmsghdr at the reader index; null if fewer than 4 bytes are readable. */
    public static GenlHeader decode(ByteBuf in) {
        if (in.readableBytes() < GENL_HDRLEN) {
            return null;
        }
        int cmd = in.readUnsignedByte();
        int version = in.readUnsignedByte();
        int reserved = in.readUnsignedShortLE();
        return new GenlHeader(cmd, version, reserved);
    }

    /** Writes the 4 bytes at the writer index. */
    public ByteBuf encode(ByteBuf out) {
        return out.writeByte(cmd).writeByte(version).writeShortLE(reserved);
    }

    /**
     * Checks the command of a reply or notification.
     *
     * @param expected the command a decoder handles
     * @param name its uapi name, for the message
     * @throws NetlinkDecoderException if {@link #cmd()} is another one
     */
    public void requireCommand(int expected, String name) {
        if (cmd != expected) {
            throw new NetlinkDecoderException("genlmsghdr cmd " + cmd + " (expected: " + name + " = " + expected
                    + ")");
        }
    }
}
