// SPDX-License-Identifier: Apache-2.0
package org.dropscope.aggregate;

import java.util.List;
import org.dropscope.event.DropOrigin;

/**
 * One interval of counts from a {@link DropAggregator}: what changed since the previous
 * snapshot ({@code delta}) and the running totals. Immutable.
 */
public final class Snapshot {
    /** One key's counts. {@code delta} may be 0 for keys that only have history. */
    public record Row(DropOrigin origin, long location, int reason, int stackId, long delta, long total) {
    }

    private final long intervalNanos;
    private final List<Row> rows;
    private final long[] cpuEventsDelta;
    private final long[] cpuEventsTotal;
    private final long[] cpuLostDelta;
    private final long[] cpuLostTotal;
    private final long overflowDelta;
    private final long overflowTotal;

    Snapshot(long intervalNanos, List<Row> rows, long[] cpuEventsDelta, long[] cpuEventsTotal,
            long[] cpuLostDelta, long[] cpuLostTotal, long overflowDelta, long overflowTotal) {
        this.intervalNanos = intervalNanos;
        this.rows = List.copyOf(rows);
        this.cpuEventsDelta = cpuEventsDelta;
        this.cpuEventsTotal = cpuEventsTotal;
        this.cpuLostDelta = cpuLostDelta;
        this.cpuLostTotal = cpuLostTotal;
        this.overflowDelta = overflowDelta;
        this.overflowTotal = overflowTotal;
    }

    /** Length of the interval this snapshot closes, in nanoseconds. */
    public long intervalNanos() {
        return intervalNanos;
    }

    /** Every key with a non-zero total, in no particular order. */
    public List<Row> rows() {
        return rows;
    }

    public int cpus() {
        return cpuEventsTotal.length;
    }

    public long cpuEventsDelta(int cpu) {
        return cpuEventsDelta[cpu];
    }

    public long cpuEventsTotal(int cpu) {
        return cpuEventsTotal[cpu];
    }

    public long cpuLostDelta(int cpu) {
        return cpuLostDelta[cpu];
    }

    public long cpuLostTotal(int cpu) {
        return cpuLostTotal[cpu];
    }

    /** Drops of new keys counted while the key table was full, this interval. */
    public long overflowDelta() {
        return overflowDelta;
    }

    public long overflowTotal() {
        return overflowTotal;
    }

    /** Sum of all drops this interval, including overflow. */
    public long dropsDelta() {
        long sum = overflowDelta;
        for (Row r : rows) {
            sum += r.delta();
        }
        return sum;
    }

    /** Sum of all drops since the aggregator started, including overflow. */
    public long dropsTotal() {
        long sum = overflowTotal;
        for (Row r : rows) {
            sum += r.total();
        }
        return sum;
    }

    /**
     * Whether nothing was counted this interval: no drop (overflow included), no lost event.
     * Every drop counts under a CPU's events, so the per-CPU counts tell without the rows.
     */
    public boolean quiet() {
        for (int c = 0; c < cpuEventsDelta.length; c++) {
            if (cpuEventsDelta[c] != 0 || cpuLostDelta[c] != 0) {
                return false;
            }
        }
        return true;
    }

    public long lostDelta() {
        long sum = 0;
        for (long l : cpuLostDelta) {
            sum += l;
        }
        return sum;
    }

    public long lostTotal() {
        long sum = 0;
        for (long l : cpuLostTotal) {
            sum += l;
        }
        return sum;
    }
}
