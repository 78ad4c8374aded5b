// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink.dropmon;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.dropscope.netlink.OpenEnum;

/**
 * A NET_DM message attribute type ({@code enum net_dm_attr}), as an open enum: {@link #valueOf(int)}
 * returns the named constant for a known value and a new {@code UNKNOWN(n)} instance otherwise,
 * because newer kernels add attributes and a decoder must skip them rather than fail.
 *
 * <p>Mirrors include/uapi/linux/net_dropmon.h, Linux 6.1 (through {@code NET_DM_ATTR_REASON}, added
 * in 5.18). The comment after each constant is the payload type the header documents.
 */
public final class NetDmAttr extends OpenEnum<NetDmAttr> {

    public static final NetDmAttr NET_DM_ATTR_UNSPEC = new NetDmAttr(0, "NET_DM_ATTR_UNSPEC");
    public static final NetDmAttr NET_DM_ATTR_ALERT_MODE = new NetDmAttr(1, "NET_DM_ATTR_ALERT_MODE"); // u8
    public static final NetDmAttr NET_DM_ATTR_PC = new NetDmAttr(2, "NET_DM_ATTR_PC"); // u64
    public static final NetDmAttr NET_DM_ATTR_SYMBOL = new NetDmAttr(3, "NET_DM_ATTR_SYMBOL"); // string
    public static final NetDmAttr NET_DM_ATTR_IN_PORT = new NetDmAttr(4, "NET_DM_ATTR_IN_PORT"); // nested
    public static final NetDmAttr NET_DM_ATTR_TIMESTAMP = new NetDmAttr(5, "NET_DM_ATTR_TIMESTAMP"); // u64
    public static final NetDmAttr NET_DM_ATTR_PROTO = new NetDmAttr(6, "NET_DM_ATTR_PROTO"); // u16
    public static final NetDmAttr NET_DM_ATTR_PAYLOAD = new NetDmAttr(7, "NET_DM_ATTR_PAYLOAD"); // binary
    public static final NetDmAttr NET_DM_ATTR_PAD = new NetDmAttr(8, "NET_DM_ATTR_PAD");
    public static final NetDmAttr NET_DM_ATTR_TRUNC_LEN = new NetDmAttr(9, "NET_DM_ATTR_TRUNC_LEN"); // u32
    public static final NetDmAttr NET_DM_ATTR_ORIG_LEN = new NetDmAttr(10, "NET_DM_ATTR_ORIG_LEN"); // u32
    public static final NetDmAttr NET_DM_ATTR_QUEUE_LEN = new NetDmAttr(11, "NET_DM_ATTR_QUEUE_LEN"); // u32
    public static final NetDmAttr NET_DM_ATTR_STATS = new NetDmAttr(12, "NET_DM_ATTR_STATS"); // nested
    public static final NetDmAttr NET_DM_ATTR_HW_STATS = new NetDmAttr(13, "NET_DM_ATTR_HW_STATS"); // nested
    public static final NetDmAttr NET_DM_ATTR_ORIGIN = new NetDmAttr(14, "NET_DM_ATTR_ORIGIN"); // u16
    public static final NetDmAttr NET_DM_ATTR_HW_TRAP_GROUP_NAME =
            new NetDmAttr(15, "NET_DM_ATTR_HW_TRAP_GROUP_NAME"); // string
    public static final NetDmAttr NET_DM_ATTR_HW_TRAP_NAME =
            new NetDmAttr(16, "NET_DM_ATTR_HW_TRAP_NAME"); // string
    public static final NetDmAttr NET_DM_ATTR_HW_ENTRIES = new NetDmAttr(17, "NET_DM_ATTR_HW_ENTRIES"); // nested
    public static final NetDmAttr NET_DM_ATTR_HW_ENTRY = new NetDmAttr(18, "NET_DM_ATTR_HW_ENTRY"); // nested
    public static final NetDmAttr NET_DM_ATTR_HW_TRAP_COUNT =
            new NetDmAttr(19, "NET_DM_ATTR_HW_TRAP_COUNT"); // u32
    public static final NetDmAttr NET_DM_ATTR_SW_DROPS = new NetDmAttr(20, "NET_DM_ATTR_SW_DROPS"); // flag
    public static final NetDmAttr NET_DM_ATTR_HW_DROPS = new NetDmAttr(21, "NET_DM_ATTR_HW_DROPS"); // flag
    public static final NetDmAttr NET_DM_ATTR_FLOW_ACTION_COOKIE =
            new NetDmAttr(22, "NET_DM_ATTR_FLOW_ACTION_COOKIE"); // binary
    public static final NetDmAttr NET_DM_ATTR_REASON = new NetDmAttr(23, "NET_DM_ATTR_REASON"); // string

    /** Indexed by value: the known values are exactly 0 to NET_DM_ATTR_MAX. */
    private static final NetDmAttr[] KNOWN = {
        NET_DM_ATTR_UNSPEC, NET_DM_ATTR_ALERT_MODE, NET_DM_ATTR_PC, NET_DM_ATTR_SYMBOL,
        NET_DM_ATTR_IN_PORT, NET_DM_ATTR_TIMESTAMP, NET_DM_ATTR_PROTO, NET_DM_ATTR_PAYLOAD,
        NET_DM_ATTR_PAD, NET_DM_ATTR_TRUNC_LEN, NET_DM_ATTR_ORIG_LEN, NET_DM_ATTR_QUEUE_LEN,
        NET_DM_ATTR_STATS, NET_DM_ATTR_HW_STATS, NET_DM_ATTR_ORIGIN, NET_DM_ATTR_HW_TRAP_GROUP_NAME,
        NET_DM_ATTR_HW_TRAP_NAME, NET_DM_ATTR_HW_ENTRIES, NET_DM_ATTR_HW_ENTRY,
        NET_DM_ATTR_HW_TRAP_COUNT, NET_DM_ATTR_SW_DROPS, NET_DM_ATTR_HW_DROPS,
        NET_DM_ATTR_FLOW_ACTION_COOKIE, NET_DM_ATTR_REASON,
    };

    /** NET_DM_ATTR_MAX of the mirrored header. */
    public static final int NET_DM_ATTR_MAX = KNOWN.length - 1;

    private NetDmAttr(int value, String name) {
        this(value, name, true);
    }

    private NetDmAttr(int value, String name, boolean known) {
        super(value, name, known);
    }

    /**
     * The attribute for a raw {@code nla_type} with the NLA_F_* flag bits already masked off.
     * Never null: an unknown value gives a new instance whose {@link #name()} is "UNKNOWN(n)".
     */
    public static NetDmAttr valueOf(int value) {
        if (value >= 0 && value < KNOWN.length) {
            return KNOWN[value];
        }
        return new NetDmAttr(value, unknownName(value), false);
    }

    /** All named constants, in value order. */
    public static List<NetDmAttr> known() {
        return Collections.unmodifiableList(Arrays.asList(KNOWN));
    }
}
