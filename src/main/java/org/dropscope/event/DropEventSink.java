// SPDX-License-Identifier: Apache-2.0
package org.dropscope.event;

/**
 * Receives every drop one at a time, with its time, for recording; the per-event counterpart of
 * {@link DropSink}, which counts. A source that records calls both: the {@code DropSink} for the
 * live counts, this for the file. One instance per writing thread; not thread-safe.
 *
 * <p>Implementations must not allocate in {@link #drop} or {@link #lost} for events of places
 * they have seen before (they run once per kernel event), and must not keep the {@link DropEvent}
 * they are handed: it is reused for the next event.
 */
public interface DropEventSink {
    /** One drop (or one NET_DM summary entry); {@code event} is valid only during the call. */
    void drop(DropEvent event);

    /**
     * Events the kernel could not hand over.
     *
     * @param timeNanos when the loss was noticed, on the recording's clock
     * @param cpu the CPU whose ring lost them, 0 when unknown
     * @param count how many
     */
    void lost(long timeNanos, int cpu, long count);

    /**
     * The source finished one pass over its buffers: a point where a recorder may flush. Sources
     * call it after every pass, also after an empty one, so that a quiet source still lets the
     * recorder keep its flush interval.
     */
    void endPass();
}
