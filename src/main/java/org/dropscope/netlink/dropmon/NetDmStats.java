// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink.dropmon;

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
public record NetDmStats(long dropped, long hwDropped) implements NetDmMessage {

    @Override
    public NetDmCmd command() {
        return NetDmCmd.NET_DM_CMD_STATS_NEW;
    }
}
