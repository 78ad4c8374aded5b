// SPDX-License-Identifier: Apache-2.0
package org.dropscope.daemon;

/**
 * What the daemon's flight recorder keeps ({@code daemon --max-bytes --retain --min-free
 * --record-budget}).
 *
 * @param maxBytes the segments' total size at most; the oldest go first
 * @param retainMillis segments whose drops are all older than this are deleted
 * @param minFreeBytes below this much free space on the segments' file system, no recording
 * @param minFreePercent or below this share of it free (0 for none)
 * @param budget events written one by one per second; beyond it drops are counted; 0 for no limit
 */
public record FlightLimits(long maxBytes, long retainMillis, long minFreeBytes, int minFreePercent, long budget) {
    /** The smallest segment bound: a segment holds at least a few blocks. */
    public static final long MIN_SEGMENT_BYTES = 64 << 10;
    /** The longest a segment stays open. */
    static final long MAX_SEGMENT_MILLIS = 3_600_000;

    public FlightLimits {
        if (maxBytes < MIN_SEGMENT_BYTES * 2 || retainMillis < 1 || minFreeBytes < 0 || minFreePercent < 0
                || minFreePercent > 99 || budget < 0) {
            throw new IllegalArgumentException("flight recorder limits out of range: " + maxBytes + " bytes, "
                    + retainMillis + " ms, " + minFreeBytes + " bytes or " + minFreePercent + " % free, " + budget
                    + " events/s");
        }
    }

    /** A segment is closed at this size: 1/16 of the total, so that deleting one frees little of what is kept. */
    long segmentBytes() {
        return Math.max(MIN_SEGMENT_BYTES, maxBytes / 16);
    }

    /** A segment is closed at this age: 1/16 of the retention, at most an hour, at least a second. */
    long segmentMillis() {
        return Math.max(1000, Math.min(MAX_SEGMENT_MILLIS, retainMillis / 16));
    }

    /** The free-space floor on a file system of {@code total} bytes. */
    long floor(long total) {
        return Math.max(minFreeBytes, total / 100 * minFreePercent);
    }
}
