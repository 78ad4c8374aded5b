// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink.dropmon;

/**
 * A decoded NET_DM message (include/uapi/linux/net_dropmon.h; net/core/drop_monitor.c): what the
 * kernel multicasts to the {@code events} group (summary and packet alerts) or answers to
 * CONFIG_GET and STATS_GET. {@link NetDmMessageDecoder} picks the decoder by the genlmsghdr
 * command.
 *
 * <p>Every implementation is an immutable record of plain Java values, holding no reference to
 * the buffer it was decoded from.
 */
public sealed interface NetDmMessage
        permits NetDmSummaryAlert, NetDmPacketAlert, NetDmConfig, NetDmStats, NetDmMessage.Other {

    /** The genlmsghdr command the message carried. */
    NetDmCmd command();

    /**
     * A message with a command this decoder does not handle: one named after this code was
     * written (a newer kernel), or a request command the kernel should never send. Kept, not
     * thrown, so that a reader can count and skip it.
     *
     * @param command the command, {@code UNKNOWN(n)} if not in the mirrored header
     * @param version the genlmsghdr version
     * @param attributeBytes the length of the attribute area that was not decoded
     */
    record Other(NetDmCmd command, int version, int attributeBytes) implements NetDmMessage {
    }
}
