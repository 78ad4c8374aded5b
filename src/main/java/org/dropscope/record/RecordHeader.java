// SPDX-License-Identifier: Apache-2.0
package org.dropscope.record;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a record file says about where and how it was recorded: enough to read its events on
 * another machine. Symbols are not here: the writer appends them to the blocks as drop locations
 * first appear (docs/file-format.md).
 *
 * @param kernelRelease {@code uname -r} of the recording kernel (/proc/sys/kernel/osrelease)
 * @param hostname /proc/sys/kernel/hostname
 * @param bootId /proc/sys/kernel/random/boot_id: kernel addresses are valid for this boot only
 * @param source which kernel interface the events came from
 * @param sourceDescription the source's one-line description, as the shell prints it
 * @param tracepointFormat the {@code events/skb/kfree_skb/format} file verbatim (field layout and
 *     the reason table), or {@code null} for NET_DM
 * @param clock the clock event times are on
 * @param cpus number of CPU ids events may name
 * @param filter the filter expression the recording applied, or {@code null}
 * @param properties further facts, e.g. NET_DM's family version and alert mode, in order
 */
public record RecordHeader(String kernelRelease, String hostname, String bootId, SourceKind source,
        String sourceDescription, String tracepointFormat, Clock clock, int cpus, String filter,
        Map<String, String> properties) {
    /**
     * The property that says how the tracepoint's stacks were taken: "every drop", or e.g. "cold
     * keys every drop, hot keys 1 in 1000"; absent without stacks. A flame graph drawn from the
     * file says so.
     */
    public static final String STACKS_PROPERTY = "tracepoint.stacks";
    /** {@link #STACKS_PROPERTY}'s value when every drop has its own stack. */
    public static final String STACKS_OF_EVERY_DROP = "every drop";
    /**
     * Property: with the tracepoint, from how many drops a second a (location, reason) key was
     * counted in the kernel, and what that makes of its events: each carries the drops counted
     * between two reads of the counters, at the read's time. Absent when every drop is its own
     * event. A report of the file says so.
     */
    public static final String HOT_KEYS_PROPERTY = "tracepoint.hot_keys";
    /**
     * Property of a daemon's flight-recorder segment: the budget of events a second it writes one
     * by one, and what it does with the rest (counted per location and reason). A report says so.
     */
    public static final String BUDGET_PROPERTY = "daemon.record_budget";
    /**
     * Property of a daemon's flight-recorder segment: the daemon run it belongs to (when the
     * daemon started). Segments of one run share stack ids.
     */
    public static final String RUN_PROPERTY = "daemon.run";

    public RecordHeader {
        Objects.requireNonNull(kernelRelease, "kernelRelease");
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(bootId, "bootId");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(sourceDescription, "sourceDescription");
        Objects.requireNonNull(clock, "clock");
        if (cpus < 1) {
            throw new IllegalArgumentException("cpus must be >= 1: " + cpus);
        }
        properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    }

    /**
     * The clock of the event times, and where it stood against wall-clock time when recording
     * began, so that a report can print dates.
     *
     * @param id {@link RecordFormat#CLOCK_MONOTONIC} or {@link RecordFormat#CLOCK_REALTIME}
     * @param startNanos the clock's reading when recording began
     * @param realtimeStartNanos CLOCK_REALTIME at the same moment, nanoseconds since the epoch
     */
    public record Clock(int id, long startNanos, long realtimeStartNanos) {
        /** A time on this clock as nanoseconds since the epoch. */
        public long toEpochNanos(long clockNanos) {
            return id == RecordFormat.CLOCK_REALTIME ? clockNanos : clockNanos - startNanos + realtimeStartNanos;
        }
    }
}
