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
        permits NetDmSummaryAlert, NetDmPacketAlert, NetDmMessage.Config, NetDmMessage.Stats, NetDmMessage.Other {

    /** The genlmsghdr command the message carried. */
    NetDmCmd command();

    /**
     * NET_DM's configuration, as NET_DM_CMD_CONFIG_NEW reports it in answer to NET_DM_CMD_CONFIG_GET
     * (include/uapi/linux/net_dropmon.h; net/core/drop_monitor.c, net_dm_config_fill; Linux 5.4+).
     * Decoded by {@link NetDmConfigDecoder}; set with {@link NetDmRequests#config}.
     *
     * @param alertMode NET_DM_ATTR_ALERT_MODE: NET_DM_ALERT_MODE_SUMMARY (0) or
     *     NET_DM_ALERT_MODE_PACKET (1)
     * @param truncLength NET_DM_ATTR_TRUNC_LEN: payload bytes kept per packet alert, 0 for no limit
     *     but the kernel's own (a u32)
     * @param queueLength NET_DM_ATTR_QUEUE_LEN: packets queued per CPU before further ones are counted
     *     as tail drops in {@link Stats} (a u32; the kernel's default is 1000)
     */
    record Config(int alertMode, long truncLength, long queueLength) implements NetDmMessage {

        @Override
        public NetDmCmd command() {
            return NetDmCmd.NET_DM_CMD_CONFIG_NEW;
        }

        /** Whether the kernel sends one packet alert per drop (rather than summaries). */
        public boolean isPacketMode() {
            return alertMode == NetDmConstants.NET_DM_ALERT_MODE_PACKET;
        }
    }

    /**
     * NET_DM's own loss counters, as NET_DM_CMD_STATS_NEW reports them in answer to
     * NET_DM_CMD_STATS_GET (include/uapi/linux/net_dropmon.h; net/core/drop_monitor.c,
     * net_dm_stats_fill; Linux 5.4+). Decoded by {@link NetDmStatsDecoder}.
     *
     * <p>These count packet alerts the kernel could not queue because a CPU's queue held
     * NET_DM_ATTR_QUEUE_LEN packets already ("tail drops"), summed over all CPUs since the module
     * loaded. Alerts lost later, when the receiving socket overruns, are not in them: a reader counts
     * those itself (ENOBUFS).
     *
     * @param dropped NET_DM_ATTR_STATS / NET_DM_ATTR_STATS_DROPPED: software packet alerts not queued
     *     (an unsigned u64)
     * @param hwDropped NET_DM_ATTR_HW_STATS / NET_DM_ATTR_STATS_DROPPED: hardware packet alerts not
     *     queued (an unsigned u64)
     */
    record Stats(long dropped, long hwDropped) implements NetDmMessage {

        @Override
        public NetDmCmd command() {
            return NetDmCmd.NET_DM_CMD_STATS_NEW;
        }
    }

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
