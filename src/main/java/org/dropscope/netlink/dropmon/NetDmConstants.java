// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink.dropmon;

/**
 * The NET_DM values that are not commands or message attributes: the legacy multicast group, alert
 * modes, drop origins, nested attribute types, legacy config types, and the fixed structs of
 * summary alerts.
 *
 * <p>Mirrors include/uapi/linux/net_dropmon.h, Linux 6.1, except where a comment names
 * net/core/drop_monitor.c (the family and group names are not in the uapi header).
 */
public final class NetDmConstants {

    /** Generic netlink family name, from net/core/drop_monitor.c. */
    public static final String NET_DM_FAMILY_NAME = "NET_DM";
    /** Name of the family's one multicast group, from net/core/drop_monitor.c. */
    public static final String NET_DM_MCGRP_EVENTS = "events";

    /**
     * The header's fixed group number. Generic netlink assigns multicast group ids at family
     * registration, so resolve {@link #NET_DM_MCGRP_EVENTS} through nlctrl rather than trust this.
     */
    public static final int NET_DM_GRP_ALERT = 1;

    // enum net_dm_alert_mode: payload of NET_DM_ATTR_ALERT_MODE (u8)
    public static final int NET_DM_ALERT_MODE_SUMMARY = 0;
    public static final int NET_DM_ALERT_MODE_PACKET = 1;

    // enum net_dm_origin: payload of NET_DM_ATTR_ORIGIN (u16)
    public static final int NET_DM_ORIGIN_SW = 0;
    public static final int NET_DM_ORIGIN_HW = 1;

    // attributes nested inside NET_DM_ATTR_IN_PORT
    public static final int NET_DM_ATTR_PORT_NETDEV_IFINDEX = 0; // u32
    public static final int NET_DM_ATTR_PORT_NETDEV_NAME = 1;    // string

    // attributes nested inside NET_DM_ATTR_STATS and NET_DM_ATTR_HW_STATS
    public static final int NET_DM_ATTR_STATS_DROPPED = 0;       // u64

    // struct net_dm_alert_msg: payload of NET_DM_CMD_ALERT, followed by `entries` drop points
    public static final int NET_DM_ALERT_MSG_SIZE = 4;
    public static final int NET_DM_ALERT_MSG_ENTRIES_OFFSET = 0; // __u32

    // struct net_dm_drop_point
    public static final int NET_DM_DROP_POINT_SIZE = 12;
    /** __u8 pc[8]: the program counter as 8 bytes in host order. */
    public static final int NET_DM_DROP_POINT_PC_OFFSET = 0;
    public static final int NET_DM_DROP_POINT_COUNT_OFFSET = 8; // __u32

    private NetDmConstants() {
    }
}
