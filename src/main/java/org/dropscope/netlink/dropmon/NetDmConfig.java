// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink.dropmon;

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
 *     as tail drops in {@link NetDmStats} (a u32; the kernel's default is 1000)
 */
public record NetDmConfig(int alertMode, long truncLength, long queueLength) implements NetDmMessage {

    @Override
    public NetDmCmd command() {
        return NetDmCmd.NET_DM_CMD_CONFIG_NEW;
    }

    /** Whether the kernel sends one packet alert per drop (rather than summaries). */
    public boolean isPacketMode() {
        return alertMode == NetDmConstants.NET_DM_ALERT_MODE_PACKET;
    }
}
