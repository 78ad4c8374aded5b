// SPDX-License-Identifier: Apache-2.0
package org.dropscope.report;

import java.util.List;

/**
 * A finished report: the file's facts, the counts per group (busiest first, ties by key), and
 * how reading went. Plain data, no formatting: the formats are in {@code view.report}.
 *
 * @param facts what the file says about the recording
 * @param groups what each row is keyed by, in column order
 * @param rows one per distinct key, sorted by count descending, then by key
 * @param total drops kept (after filter and time window); the sum of the rows' counts
 * @param lost events the kernel reported lost within the time window
 * @param endEpochNanos the time of the last event or loss read, ns since the epoch (the start if none)
 * @param complete whether the whole recording was read (an end marker, no damage)
 * @param damage why reading stopped early, or {@code null}
 * @param stacks whether any kept drop had a recorded call chain
 */
public record Report(ReportFacts facts, List<GroupKey> groups, List<Row> rows, long total, long lost,
        long endEpochNanos, boolean complete, Damage damage, boolean stacks) {
    public Report {
        groups = List.copyOf(groups);
        rows = List.copyOf(rows);
    }

    /**
     * One group's count. Fields the report is not grouped by are {@code null} (names) or 0.
     *
     * @param symbol the function of the drop location, or the trap name of a hardware drop;
     *     {@code 0x...} for a location no symbol covers
     * @param location {@code sym+off} of the location (dropwatch's form), or {@code 0x...}; a trap name
     * @param hardware whether the drop was a device's (devlink trap) rather than the kernel's
     * @param address the kernel text address of the location, or the trap id
     * @param reason the reason's name, its code if the file does not name it, or {@code null} for none
     * @param stack the call chain's frames, innermost first, as {@code sym+off}; {@code null} when
     *     not grouped by stack or the drop had none
     * @param cpu the CPU
     * @param protocol the Ethertype
     * @param second the wall-clock second, since the epoch
     * @param count drops
     */
    public record Row(String symbol, String location, boolean hardware, long address, String reason,
            List<String> stack, int cpu, int protocol, long second, long count) {
    }

    /**
     * Where and why reading stopped before the end of the recording.
     *
     * @param message what is wrong, and where, in words
     * @param offset the byte offset of the damaged block or record from the start of the file, or -1
     * @param block the damaged block's number (record files), the record's number (captures), or -1
     */
    public record Damage(String message, long offset, long block) {
    }
}
