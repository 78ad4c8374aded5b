// SPDX-License-Identifier: Apache-2.0
package org.dropscope.aggregate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.HdrHistogram.WriterReaderPhaser;
import org.dropscope.event.DropOrigin;
import org.dropscope.event.DropSink;

/**
 * Counts drops per (origin, location, reason, stack) for any number of writer threads without
 * locks, and hands a reader consistent interval snapshots.
 *
 * <h2>Assumptions and guarantees</h2>
 * <ul>
 *   <li>Each writer thread has its own {@link DropSink} from {@link #newWriter()} and counts in
 *       batches ({@code begin}/{@code end}). Inside a batch, counting is wait-free apart from
 *       the first sighting of a key (a CAS in the key table), and allocates only when a key's number
 *       is the first of a block of counters (once per {@link KeyTable#blockLength()} keys per
 *       writer and phase; none in a steady state).</li>
 *   <li>{@link #snapshot()} may be called from any thread (calls are serialised). It returns
 *       every count of every batch that ended before the call began, none of a batch that began
 *       after it, and never part of a batch: a batch lands wholly in one interval.</li>
 *   <li>No count is lost or counted twice across snapshots. When the key table is full, drops
 *       of new keys are counted in {@link Snapshot#overflowDelta()} rather than dropped.</li>
 * </ul>
 *
 * <h2>Example</h2>
 * <pre>{@code
 * DropAggregator agg = new DropAggregator(cpus, 1 << 16, 1 << 14);
 * DropSink w = agg.newWriter();          // on the ring-reader thread
 * w.begin();
 * w.drop(cpu, DropOrigin.SOFTWARE, pc, reason, DropSink.NO_STACK, 1);
 * w.end();
 * Snapshot s = agg.snapshot();           // on the view thread, once per interval
 * }</pre>
 */
/*
 * Design: the Recorder pattern of HdrHistogram. Every writer owns two sets of plain long[]
 * counters, indexed by phase. A batch enters the WriterReaderPhaser's critical section, reads the
 * volatile active phase once and counts into that set with plain stores. The reader flips the
 * active phase, then flipPhase() waits until every writer that may have seen the old phase has
 * left its critical section; the phaser's atomic exit is a release and its wait an acquire, so the
 * reader then sees all the old phase's plain stores. It sums and zeroes them. The zeroing
 * happens-before the next flip's volatile write, so a writer that picks that phase again sees
 * zeros. Per-writer counters mean no two threads ever store to the same counter. A phase whose
 * per-CPU event counters are all zero counted no drop, so its key counters are not scanned, and an
 * interval in which no writer counted one reuses the last rows: an idle reader costs no scan of
 * the key table.
 *
 * Memory follows the keys held, not the capacity: keys are numbered densely (KeyTable), a
 * writer's counters are blocks per phase that it makes when a key number first falls in one
 * (inside its critical section, so the reader sees the block once it has flipped), and the
 * reader's totals grow with the number of keys.
 */
public final class DropAggregator {
    private final KeyTable keys;
    private final StackTable stacks;
    private final int cpus;
    private final WriterReaderPhaser phaser = new WriterReaderPhaser();
    private final List<PhasedWriter> writers = new CopyOnWriteArrayList<>();
    private volatile int activePhase;

    // Reader-side running totals and per-interval scratch; only touched under the phaser's
    // reader lock. deltas is all zeros between snapshots.
    private long[] totals = new long[0];
    private long[] deltas = new long[0];
    private final long[] cpuEventTotals;
    private final long[] cpuLostTotals;
    private long overflowTotal;
    private long lastSnapshotNanos = System.nanoTime();
    // The last snapshot's rows, and whether any of them has a delta: an interval in which no
    // writer counted a drop has the same rows, with no deltas.
    private List<Snapshot.Row> rows = List.of();
    private boolean rowsHaveDeltas;

    /**
     * @param cpus number of CPU ids writers may report (highest possible CPU id + 1)
     * @param keyCapacity power of two; distinct keys counted before overflow is 3/4 of it
     * @param stackCapacity power of two, for the {@link StackTable}
     */
    public DropAggregator(int cpus, int keyCapacity, int stackCapacity) {
        if (cpus < 1) {
            throw new IllegalArgumentException("cpus must be >= 1: " + cpus);
        }
        this.cpus = cpus;
        this.keys = new KeyTable(keyCapacity);
        this.stacks = new StackTable(stackCapacity);
        this.cpuEventTotals = new long[cpus];
        this.cpuLostTotals = new long[cpus];
    }

    /** A sink for one writer thread. */
    public DropSink newWriter() {
        PhasedWriter w = new PhasedWriter();
        writers.add(w);
        return w;
    }

    /** The table that writers intern call chains in; ids go into {@link DropSink#drop}. */
    public StackTable stacks() {
        return stacks;
    }

    /** Closes the current interval and returns it, with running totals since construction. */
    public Snapshot snapshot() {
        phaser.readerLock();
        try {
            int old = activePhase;
            activePhase = 1 - old;
            phaser.flipPhase();
            long now = System.nanoTime();
            long[] cpuEvents = new long[cpus];
            long[] cpuLost = new long[cpus];
            long overflow = 0;
            boolean counted = false;
            // Read after the flip: every key a writer counted in the old phase is numbered below it.
            int held = keys.size();
            int block = keys.blockLength();
            int reach = Math.min(keys.numberBound(), (held + block - 1) / block * block);
            if (reach > totals.length) {
                totals = Arrays.copyOf(totals, reach);
                deltas = Arrays.copyOf(deltas, reach);
            }
            for (PhasedWriter w : writers) {
                counted |= w.drainInto(old, deltas, cpuEvents, cpuLost);
                overflow += w.takeOverflow(old);
            }
            rows = counted ? collectRows() : quietRows();
            for (int c = 0; c < cpus; c++) {
                cpuEventTotals[c] += cpuEvents[c];
                cpuLostTotals[c] += cpuLost[c];
            }
            overflowTotal += overflow;
            Snapshot s = new Snapshot(now - lastSnapshotNanos, rows, cpuEvents, cpuEventTotals.clone(),
                    cpuLost, cpuLostTotals.clone(), overflow, overflowTotal);
            lastSnapshotNanos = now;
            return s;
        } finally {
            phaser.readerUnlock();
        }
    }

    /** Every key with a total, with this interval's deltas, which it zeroes; under the reader lock. */
    private List<Snapshot.Row> collectRows() {
        List<Snapshot.Row> collected = new ArrayList<>();
        boolean anyDelta = false;
        for (int i = 0; i < totals.length; i++) {
            long delta = deltas[i];
            if (delta != 0) {
                deltas[i] = 0;
                totals[i] += delta;
                anyDelta = true;
            }
            // A counted key was published before its writer counted it (the phaser orders both).
            if (totals[i] != 0) {
                collected.add(new Snapshot.Row(DropOrigin.values()[keys.origin(i)], keys.location(i),
                        keys.reason(i), keys.stack(i), delta, totals[i]));
            }
        }
        rowsHaveDeltas = anyDelta;
        return List.copyOf(collected);
    }

    /**
     * The rows of an interval in which no writer counted a drop: the last ones without their
     * deltas, without scanning the key slots (what an idle {@code top} would otherwise do each
     * interval).
     */
    private List<Snapshot.Row> quietRows() {
        if (!rowsHaveDeltas) {
            return rows;
        }
        List<Snapshot.Row> quiet = new ArrayList<>(rows.size());
        for (Snapshot.Row r : rows) {
            quiet.add(new Snapshot.Row(r.origin(), r.location(), r.reason(), r.stackId(), 0, r.total()));
        }
        rowsHaveDeltas = false;
        return List.copyOf(quiet);
    }

    /** One writer's counters: two phases of plain arrays, written only by its own thread. */
    private final class PhasedWriter implements DropSink {
        /** Counters by phase, then by key number in blocks of the key table's block length, made on first use. */
        private final long[][][] counts = new long[2][keys.numberBound() / keys.blockLength()][];
        private final long[][] events = new long[2][cpus];
        private final long[][] lost = new long[2][cpus];
        private final long[] overflow = new long[2];
        private long enterValue;
        private int phase = -1;
        // One-entry cache: consecutive drops mostly hit the same key.
        private byte lastOrigin = -1;
        private long lastLocation;
        private int lastReason;
        private int lastStack;
        private int lastKey = -1;
        // The counter block of lastKey in phase lastPhase, or null.
        private long[] lastBlock;
        private int lastPhase = -1;

        @Override
        public void begin() {
            if (phase >= 0) {
                throw new IllegalStateException("begin() twice without end()");
            }
            enterValue = phaser.writerCriticalSectionEnter();
            phase = activePhase;
        }

        @Override
        public void drop(int cpu, DropOrigin origin, long location, int reason, int stackId, long count) {
            int p = phase;
            if (p < 0) {
                throw new IllegalStateException("drop() outside begin()/end()");
            }
            byte o = (byte) origin.ordinal();
            if (o != lastOrigin || location != lastLocation || reason != lastReason || stackId != lastStack) {
                lastKey = keys.keyOf(o, location, reason, stackId);
                lastOrigin = o;
                lastLocation = location;
                lastReason = reason;
                lastStack = stackId;
                lastBlock = null;
            }
            int key = lastKey;
            if (key >= 0) {
                long[] block = lastBlock;
                if (block == null || lastPhase != p) {
                    block = counterBlock(p, key);
                    lastBlock = block;
                    lastPhase = p;
                }
                block[key & (block.length - 1)] += count;
            } else {
                overflow[p] += count;
            }
            events[p][cpuIndex(cpu)] += count;
        }

        @Override
        public void lost(int cpu, long count) {
            int p = phase;
            if (p < 0) {
                throw new IllegalStateException("lost() outside begin()/end()");
            }
            lost[p][cpuIndex(cpu)] += count;
        }

        @Override
        public void end() {
            phase = -1;
            phaser.writerCriticalSectionExit(enterValue);
        }

        private long[] counterBlock(int p, int key) {
            long[][] blocks = counts[p];
            int b = keys.blockOf(key);
            long[] block = blocks[b];
            if (block == null) {
                block = new long[keys.blockLength()];
                blocks[b] = block;
            }
            return block;
        }

        private int cpuIndex(int cpu) {
            // A CPU id beyond what the aggregator was sized for (hot-plugged later) counts under
            // the last CPU rather than being lost.
            return cpu >= 0 && cpu < cpus ? cpu : cpus - 1;
        }

        /**
         * Reader side, after a flip: adds phase {@code p}'s counts to the arrays and zeroes them.
         *
         * @return whether the phase counted any drop; when not, its key counters are all zero and
         *     are not scanned (every {@link #drop} adds its count, never negative, to a CPU's
         *     events too, so the per-CPU counters tell without a flag written per event)
         */
        boolean drainInto(int p, long[] deltas, long[] cpuEvents, long[] cpuLost) {
            boolean counted = false;
            for (int k = 0; k < cpus; k++) {
                counted |= events[p][k] != 0;
                cpuEvents[k] += events[p][k];
                cpuLost[k] += lost[p][k];
                events[p][k] = 0;
                lost[p][k] = 0;
            }
            if (!counted) {
                return false;
            }
            long[][] blocks = counts[p];
            for (int b = 0; b < blocks.length; b++) {
                long[] c = blocks[b];
                if (c == null) {
                    continue;
                }
                int base = b * c.length;
                for (int i = 0; i < c.length; i++) {
                    if (c[i] != 0) {
                        deltas[base + i] += c[i];
                        c[i] = 0;
                    }
                }
            }
            return true;
        }

        /** Reader side, after a flip: phase {@code p}'s overflow count, which it zeroes. */
        long takeOverflow(int p) {
            long o = overflow[p];
            overflow[p] = 0;
            return o;
        }
    }
}
