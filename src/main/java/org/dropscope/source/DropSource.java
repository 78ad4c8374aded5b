// SPDX-License-Identifier: Apache-2.0
package org.dropscope.source;

import java.util.Map;
import org.dropscope.aggregate.DropAggregator;
import org.dropscope.event.AlertListener;
import org.dropscope.event.DropEventSink;
import org.dropscope.names.DropNames;

/**
 * One monitoring session on one kernel source: opened (kernel resources acquired), started,
 * stopped, closed. A new session opens a new source.
 *
 * <p>{@link #close()} releases every kernel resource the source holds (perf fds and mappings,
 * NET_DM monitoring state) whatever state it is in, may be called more than once and from a
 * shutdown hook.
 */
public interface DropSource extends AutoCloseable {
    /** One line for users: which source, which kernel interface, which layout. */
    String description();

    /**
     * The names of the numbers only this source knows: its reason codes and, for hardware drops,
     * its trap ids. Locations and stacks are named through kallsyms and the aggregator
     * ({@link LiveNames}).
     */
    DropNames names();

    /** Number of CPU ids drops may be reported for (size the aggregator with it). */
    int cpus();

    /**
     * What a recording of this source needs to know about it: its kind, clock, tracepoint format
     * and properties, with {@link #description()} and {@link #cpus()}. Call once open, before
     * starting.
     *
     * @throws SourceException the kernel did not answer a question the facts need (NET_DM's
     *     configuration)
     */
    SourceFacts facts() throws SourceException;

    /** Starts delivering drops into {@code aggregator}; returns once the kernel is delivering. */
    void start(DropAggregator aggregator) throws SourceException;

    /**
     * Delivers to the aggregator what the kernel has written but the source has not read yet, and
     * returns when it has (or after at most a poll interval): a viewer calls it before each
     * snapshot. Any thread, once started; does nothing when nothing runs. The default does
     * nothing: a source that reads as soon as the kernel sends (NET_DM).
     */
    default void flush() {
    }

    /**
     * Hands every alert to {@code alerts} as it arrives, on the source's reader thread, from
     * {@link #start} on, after its drops went to the aggregator: for a source whose kernel batches
     * drops into alerts that users see one by one (NET_DM), beside the counts. Call before
     * starting. docs/architecture.md, "Alerts: NET_DM's side channel".
     *
     * @return false if this source sends no alerts: it only counts, and a viewer samples the
     *     aggregator per interval (the tracepoint)
     */
    default boolean alertTo(AlertListener alerts) {
        return false;
    }

    /**
     * Hands every drop and loss, with its time, to {@code events} as well as to the aggregator,
     * on the source's reader thread, from {@link #start} on. Call before starting.
     *
     * @return false if this source cannot: a tracepoint source opened without
     *     {@code TracepointOptions.timestamps}
     */
    default boolean recordTo(DropEventSink events) {
        return false;
    }

    /**
     * Keeps only the drops {@code filter} accepts, from {@link #start} on: they are tested on the
     * reader thread before the aggregator counts them and before a {@link #recordTo recorder}
     * writes them (losses are always counted). Call once, before starting.
     *
     * @return the filter string the kernel evaluates itself, or {@code null} when user space
     *     tests all of it
     * @throws SourceException the kernel lacks a reason or symbol the filter names (kind
     *     {@code USAGE}) or refuses the filter, or this source cannot filter
     */
    default String filter(SourceFilter filter) throws SourceException {
        if (filter.isNone()) {
            return null;
        }
        throw new SourceException(SourceException.Kind.NO_KERNEL_FEATURE, description() + " cannot filter drops");
    }

    /**
     * Stops the kernel side, then delivers everything the kernel produced before that, then
     * returns: after this, the aggregator has every drop of the session.
     */
    void stop() throws SourceException;

    /**
     * How the drops' kernel stacks are taken, as a view or file that shows stacks must say: e.g.
     * "every drop", or "cold keys every drop, hot keys 1 in 1000"; null when there are none.
     */
    default String stackSampling() {
        return null;
    }

    /** Source-specific counters for {@code stats}, in display order (malformed records, ...). */
    Map<String, Long> counters();

    @Override
    void close();
}
