// SPDX-License-Identifier: Apache-2.0
package org.dropscope.record;

/**
 * What {@link RecordReader#read} got through.
 *
 * @param blocks blocks read and checked
 * @param events event records handed over
 * @param drops drops those events stand for (summary entries count several)
 * @param lost events the kernel reported lost, from the lost records handed over
 * @param ended whether the end marker was read: the writer finished cleanly
 * @param damage why reading stopped early, with where; {@code null} when the file was whole
 */
public record ReadResult(long blocks, long events, long drops, long lost, boolean ended,
        RecordFormatException damage) {
    /** Whether the whole recording was read: the end marker and no damage. */
    public boolean complete() {
        return ended && damage == null;
    }
}
