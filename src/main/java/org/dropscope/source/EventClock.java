// SPDX-License-Identifier: Apache-2.0
package org.dropscope.source;

import org.dropscope.record.RecordFormat;

/**
 * The clock a source's event times are on (the {@code time} of every {@code DropEvent} and loss
 * it hands a recorder), named as include/uapi/linux/time.h names it, and how to read it now with
 * the same resolution the source stamps with.
 */
public enum EventClock {
    /**
     * Wall-clock time, read at millisecond resolution without allocating: NET_DM's
     * {@code NET_DM_ATTR_TIMESTAMP} and the receive time of its summary alerts.
     */
    CLOCK_REALTIME(RecordFormat.CLOCK_REALTIME) {
        @Override
        public long nanos() {
            return System.currentTimeMillis() * 1_000_000L;
        }
    },
    /**
     * What perf samples carry with {@code use_clockid} on {@code CLOCK_MONOTONIC}, and what
     * {@link System#nanoTime()} reads on Linux: the tracepoint's sample times.
     */
    CLOCK_MONOTONIC(RecordFormat.CLOCK_MONOTONIC) {
        @Override
        public long nanos() {
            return System.nanoTime();
        }
    };

    private final int id;

    EventClock(int id) {
        this.id = id;
    }

    /** The {@code clockid_t} value, as a record file's clock field stores it. */
    public int id() {
        return id;
    }

    /** The clock's reading now, in nanoseconds. */
    public abstract long nanos();
}
