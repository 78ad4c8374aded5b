// SPDX-License-Identifier: Apache-2.0
package org.dropscope.event;

import java.util.List;

/**
 * Receives alerts as the kernel sends them, for sources whose own batching users expect to see
 * (NET_DM: one summary alert per CPU per second, one packet alert per dropped packet). Called
 * on the source's reader thread; implementations must not block it for long.
 */
public interface AlertListener {
    /** One summary alert: its entries in the kernel's order. */
    void summary(List<SummaryEntry> entries);

    /** One packet alert. */
    void packet(PacketDrop drop);

    /**
     * One entry of a summary alert.
     *
     * @param origin software (a kernel location) or hardware (a devlink trap)
     * @param pc the drop location of a software entry; 0 means a device's rx_dropped rose
     * @param trapName the trap of a hardware entry, else {@code null}
     * @param count drops the kernel merged into this entry
     */
    record SummaryEntry(DropOrigin origin, long pc, String trapName, long count) {
    }
}
