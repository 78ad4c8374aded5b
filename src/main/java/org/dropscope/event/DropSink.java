// SPDX-License-Identifier: Apache-2.0
package org.dropscope.event;

/**
 * What a kernel source writes drops into. One instance per writing thread; not thread-safe.
 *
 * <p>Calls come in batches: {@link #begin()}, any number of {@link #drop} and {@link #lost}
 * calls, {@link #end()}. A batch is the unit that a consumer's interval snapshot never splits,
 * so a source makes one batch of everything it read in one pass over its buffers. Implementations
 * must not allocate in {@code drop} or {@code lost}: they run once per kernel event.
 */
public interface DropSink {
    /** No stack was collected for this drop. */
    int NO_STACK = -1;
    /** The source gives no reason for this drop (NET_DM summary mode, kernels before 5.17). */
    int NO_REASON = -1;

    /** Opens a batch. */
    void begin();

    /**
     * Counts {@code count} drops at one place.
     *
     * @param cpu the CPU that dropped, or that reported the drop; 0 when unknown
     * @param origin software or hardware
     * @param location the kernel text address of the drop (software), or an interned trap id (hardware)
     * @param reason the source's reason code (its {@code DropNames.reason} says what it means), or {@link #NO_REASON}
     * @param stackId an id from the consumer's stack table, or {@link #NO_STACK}
     * @param count how many drops; 1 for one tracepoint hit, N for a NET_DM summary entry
     */
    void drop(int cpu, DropOrigin origin, long location, int reason, int stackId, long count);

    /** Counts events the kernel could not hand over (perf LOST records, netlink ENOBUFS). */
    void lost(int cpu, long count);

    /** Closes the batch opened by {@link #begin()}. */
    void end();
}
