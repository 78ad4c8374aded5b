// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink.dropmon;

import static org.dropscope.netlink.dropmon.NetDmAttr.NET_DM_ATTR_ALERT_MODE;
import static org.dropscope.netlink.dropmon.NetDmAttr.NET_DM_ATTR_HW_DROPS;
import static org.dropscope.netlink.dropmon.NetDmAttr.NET_DM_ATTR_QUEUE_LEN;
import static org.dropscope.netlink.dropmon.NetDmAttr.NET_DM_ATTR_SW_DROPS;
import static org.dropscope.netlink.dropmon.NetDmAttr.NET_DM_ATTR_TRUNC_LEN;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.dropscope.netlink.GenlFamily;
import org.dropscope.netlink.NlMsgBuilder;

/**
 * Builds NET_DM requests for a resolved family (include/uapi/linux/net_dropmon.h;
 * net/core/drop_monitor.c, dropmon_ops). Each method returns a new buffer holding one message,
 * sequence number 0, for {@link org.dropscope.netlink.NetlinkClient#request}, which stamps the
 * sequence number, adds NLM_F_REQUEST | NLM_F_ACK and releases the buffer.
 *
 * <p>Kernel rules the requests meet (Linux 5.4+): CONFIG, START and STOP need CAP_NET_ADMIN;
 * CONFIG is refused with EBUSY while monitoring; START of what already runs is EAGAIN; receiving
 * alerts needs CAP_SYS_ADMIN to join the {@code events} group (6.7+, and stable backports).
 * Kernels before 5.4 know only START and STOP, without flags (check
 * {@link GenlFamily#hasOperation(int)}).
 */
public final class NetDmRequests {

    private final int familyId;
    private final int version;
    private final ByteBufAllocator alloc;

    /**
     * @param family the NET_DM family as resolved on this kernel; its version goes in every
     *     genlmsghdr
     */
    public NetDmRequests(GenlFamily family, ByteBufAllocator alloc) {
        this.familyId = family.id();
        this.version = family.version();
        this.alloc = alloc;
    }

    /**
     * NET_DM_CMD_START with the NET_DM_ATTR_SW_DROPS / NET_DM_ATTR_HW_DROPS flags asked for, and
     * only those. With neither flag the kernel starts software monitoring, for compatibility with
     * pre-5.4 clients: {@code start(false, false)} is not a no-op (net_dm_cmd_trace in
     * net/core/drop_monitor.c).
     */
    public ByteBuf start(boolean swDrops, boolean hwDrops) {
        return trace(NetDmCmd.NET_DM_CMD_START, swDrops, hwDrops);
    }

    /** NET_DM_CMD_STOP, with the same flags and the same no-flag default as {@link #start}. */
    public ByteBuf stop(boolean swDrops, boolean hwDrops) {
        return trace(NetDmCmd.NET_DM_CMD_STOP, swDrops, hwDrops);
    }

    /**
     * NET_DM_CMD_CONFIG; a null argument leaves that setting as the kernel has it.
     *
     * @param alertMode NET_DM_ALERT_MODE_SUMMARY or NET_DM_ALERT_MODE_PACKET (the kernel refuses
     *     others with EINVAL)
     * @param truncLength payload bytes kept per packet alert, 0 for no limit (a u32)
     * @param queueLength per-CPU packet queue length (a u32)
     */
    public ByteBuf config(Integer alertMode, Long truncLength, Long queueLength) {
        // Check everything before allocating, so that a bad argument cannot leak the buffer.
        if (alertMode != null) {
            u(alertMode, 0xff, "alertMode");
        }
        if (truncLength != null) {
            u(truncLength, 0xffff_ffffL, "truncLength");
        }
        if (queueLength != null) {
            u(queueLength, 0xffff_ffffL, "queueLength");
        }
        NlMsgBuilder b = message(NetDmCmd.NET_DM_CMD_CONFIG);
        if (alertMode != null) {
            b.u8(NET_DM_ATTR_ALERT_MODE.intValue(), alertMode);
        }
        if (truncLength != null) {
            b.u32(NET_DM_ATTR_TRUNC_LEN.intValue(), truncLength.intValue());
        }
        if (queueLength != null) {
            b.u32(NET_DM_ATTR_QUEUE_LEN.intValue(), queueLength.intValue());
        }
        return b.finish();
    }

    /** NET_DM_CMD_CONFIG_GET: no attributes; the reply is NET_DM_CMD_CONFIG_NEW. */
    public ByteBuf configGet() {
        return message(NetDmCmd.NET_DM_CMD_CONFIG_GET).finish();
    }

    /** NET_DM_CMD_STATS_GET: no attributes; the reply is NET_DM_CMD_STATS_NEW. */
    public ByteBuf statsGet() {
        return message(NetDmCmd.NET_DM_CMD_STATS_GET).finish();
    }

    private ByteBuf trace(NetDmCmd cmd, boolean swDrops, boolean hwDrops) {
        NlMsgBuilder b = message(cmd);
        if (swDrops) {
            b.flag(NET_DM_ATTR_SW_DROPS.intValue());
        }
        if (hwDrops) {
            b.flag(NET_DM_ATTR_HW_DROPS.intValue());
        }
        return b.finish();
    }

    private NlMsgBuilder message(NetDmCmd cmd) {
        return NlMsgBuilder.start(alloc.buffer(64), familyId, 0).genl(cmd.intValue(), version);
    }

    private static void u(long value, long max, String what) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException(what + " " + value + " (expected: 0 to " + max + ")");
        }
    }
}
