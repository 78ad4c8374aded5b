// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink.dropmon;

import java.util.List;

/**
 * A NET_DM_CMD_ALERT message, the summary alert mode (include/uapi/linux/net_dropmon.h,
 * net/core/drop_monitor.c): what one CPU counted during about a second.
 *
 * <p>Software drops come as the legacy {@code struct net_dm_alert_msg}: drop points, each a
 * program counter and how often a packet was dropped there. The kernel merges equal PCs on one
 * CPU, keeps at most 64 distinct ones per message (more are silently not counted), and flushes one
 * second after the first drop; several CPUs each send their own, so one PC can appear in several
 * messages per second. A PC of 0 is not a location: it means a device's {@code rx_dropped}
 * counter rose (checked at most every 2 s per device, on NAPI poll).
 *
 * <p>Hardware drops (devlink traps) come as a message whose legacy struct is empty (0 entries),
 * followed by a NET_DM_ATTR_HW_ENTRIES nest of {trap name, count}: {@link #hardware()} is true.
 *
 * @param points the software drop points, in message order
 * @param hwEntries the hardware trap counts, in message order; empty for a software alert
 * @param hardware whether the message had a NET_DM_ATTR_HW_ENTRIES nest
 */
public record NetDmSummaryAlert(List<DropPoint> points, List<HwEntry> hwEntries, boolean hardware)
        implements NetDmMessage {

    public NetDmSummaryAlert {
        points = List.copyOf(points);
        hwEntries = List.copyOf(hwEntries);
    }

    @Override
    public NetDmCmd command() {
        return NetDmCmd.NET_DM_CMD_ALERT;
    }

    /** The sum of all counts, software and hardware. */
    public long totalDrops() {
        long sum = 0;
        for (DropPoint p : points) {
            sum += p.count();
        }
        for (HwEntry e : hwEntries) {
            sum += e.count();
        }
        return sum;
    }

    /**
     * One {@code struct net_dm_drop_point}.
     *
     * @param pc the drop location, a kernel text address (unsigned); 0 for a device rx_dropped
     *     rise
     * @param count drops at {@code pc} in this message (a u32)
     */
    public record DropPoint(long pc, long count) {
        /** Whether this is the "a device's rx_dropped rose" point (PC 0), not a location. */
        public boolean isDeviceRxDrop() {
            return pc == 0;
        }

        @Override
        public String toString() {
            return count + " drops at 0x" + Long.toHexString(pc);
        }
    }

    /**
     * One NET_DM_ATTR_HW_ENTRY: a devlink trap and how often it fired.
     *
     * @param trapName NET_DM_ATTR_HW_TRAP_NAME (the kernel keeps at most 39 characters)
     * @param count NET_DM_ATTR_HW_TRAP_COUNT (a u32)
     */
    public record HwEntry(String trapName, long count) {
    }
}
