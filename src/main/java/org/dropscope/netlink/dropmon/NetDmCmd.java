// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink.dropmon;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.dropscope.netlink.OpenEnum;

/**
 * A NET_DM generic netlink command (the {@code cmd} of the genlmsghdr), as an open enum:
 * {@link #valueOf(int)} returns the named constant for a known value and a new {@code UNKNOWN(n)}
 * instance otherwise, so a message from a newer kernel can be reported and skipped.
 *
 * <p>Mirrors include/uapi/linux/net_dropmon.h, Linux 6.1.
 */
public final class NetDmCmd extends OpenEnum<NetDmCmd> {

    public static final NetDmCmd NET_DM_CMD_UNSPEC = new NetDmCmd(0, "NET_DM_CMD_UNSPEC");
    /** Summary alert: a net_dm_alert_msg of drop points (legacy, and the SUMMARY alert mode). */
    public static final NetDmCmd NET_DM_CMD_ALERT = new NetDmCmd(1, "NET_DM_CMD_ALERT");
    public static final NetDmCmd NET_DM_CMD_CONFIG = new NetDmCmd(2, "NET_DM_CMD_CONFIG");
    public static final NetDmCmd NET_DM_CMD_START = new NetDmCmd(3, "NET_DM_CMD_START");
    public static final NetDmCmd NET_DM_CMD_STOP = new NetDmCmd(4, "NET_DM_CMD_STOP");
    /** One dropped packet with its metadata attributes (PACKET alert mode). */
    public static final NetDmCmd NET_DM_CMD_PACKET_ALERT = new NetDmCmd(5, "NET_DM_CMD_PACKET_ALERT");
    public static final NetDmCmd NET_DM_CMD_CONFIG_GET = new NetDmCmd(6, "NET_DM_CMD_CONFIG_GET");
    public static final NetDmCmd NET_DM_CMD_CONFIG_NEW = new NetDmCmd(7, "NET_DM_CMD_CONFIG_NEW");
    public static final NetDmCmd NET_DM_CMD_STATS_GET = new NetDmCmd(8, "NET_DM_CMD_STATS_GET");
    public static final NetDmCmd NET_DM_CMD_STATS_NEW = new NetDmCmd(9, "NET_DM_CMD_STATS_NEW");

    /** Indexed by value: the known values are exactly 0 to NET_DM_CMD_MAX. */
    private static final NetDmCmd[] KNOWN = {
        NET_DM_CMD_UNSPEC, NET_DM_CMD_ALERT, NET_DM_CMD_CONFIG, NET_DM_CMD_START, NET_DM_CMD_STOP,
        NET_DM_CMD_PACKET_ALERT, NET_DM_CMD_CONFIG_GET, NET_DM_CMD_CONFIG_NEW, NET_DM_CMD_STATS_GET,
        NET_DM_CMD_STATS_NEW,
    };

    /** NET_DM_CMD_MAX of the mirrored header. */
    public static final int NET_DM_CMD_MAX = KNOWN.length - 1;

    private NetDmCmd(int value, String name) {
        this(value, name, true);
    }

    private NetDmCmd(int value, String name, boolean known) {
        super(value, name, known);
    }

    /** The command for a raw genlmsghdr cmd byte; never null, "UNKNOWN(n)" if not named. */
    public static NetDmCmd valueOf(int value) {
        if (value >= 0 && value < KNOWN.length) {
            return KNOWN[value];
        }
        return new NetDmCmd(value, unknownName(value), false);
    }

    /** All named constants, in value order. */
    public static List<NetDmCmd> known() {
        return Collections.unmodifiableList(Arrays.asList(KNOWN));
    }
}
