// SPDX-License-Identifier: Apache-2.0
package org.dropscope.source.tracepoint;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.dropscope.event.DropOrigin;
import org.dropscope.event.DropSink;

/**
 * Which (location, reason) keys the kernel counts instead of sampling, and how each CPU's samples
 * are told apart from those its counters already counted. Used by the reader thread only.
 *
 * <p>Writing one perf sample per drop costs the dropping CPU about a microsecond; a counting perf
 * event costs about what bpftrace's map update does (docs/performance.md). So a key that drops
 * more than {@code threshold} times a second is handed to a counting event whose tracepoint filter
 * matches only that key, and the sampling event is replaced by one whose filter excludes it. A
 * filter can be set only once per event (PERF_EVENT_IOC_SET_FILTER answers EEXIST), so every
 * hand-over needs new events; {@link HotCountGroup} opens them all up front.
 *
 * <p>The hand-over on one CPU: enable counter C<sub>j</sub> and sampler S<sub>g+1</sub>, then
 * disable S<sub>g</sub>. In between, a drop can reach both S<sub>g</sub> and its successor. The
 * kernel runs a tracepoint's perf events newest first (perf_trace_add() puts an event at the head
 * of the per-CPU list when it is enabled), and every sampler's sample carries the group's counts
 * (PERF_SAMPLE_READ, PERF_FORMAT_GROUP). So when S<sub>g</sub> writes a sample, the successor that
 * also takes this drop has already counted it: the drop was counted elsewhere exactly when that
 * successor's count in the sample is at least 1, since it counts nothing before its enable.
 * Such samples are duplicates and are skipped; the rest are counted once.
 *
 * <p>With stacks, the samplers' samples carry call chains, and so every drop of a key not
 * promoted keeps its own stack. A counter C<sub>j</sub> then also writes a sample, of the same
 * format, once every {@code stackPeriod} drops it counts. Such a sample is not a drop: it is a
 * stack for the drops C<sub>j</sub> counted since the last one handed on, which its own count in
 * the sample's group read tells ({@link #stackSample}); the drops counted after the last stack
 * sample go to that stack when the counts are read ({@link #emitCounts}). So every key's total
 * stays exact and only its split between stacks is sampled.
 *
 * <p>Group order (the order of the values in a group read): the leader, S<sub>0</sub> ..
 * S<sub>K</sub>, C<sub>1</sub> .. C<sub>K</sub>, for K = {@link #capacity()}.
 */
public final class HotKeys {
    private static final int TALLY_SLOTS = 256;
    private static final long WINDOW_NANOS = 1_000_000_000L;

    private final int capacity;
    private final long threshold;
    private final long[][] samplerIds;
    /** Per CPU, the ids of C<sub>1</sub> .. C<sub>K</sub> when they write stack samples; else null. */
    private final long[][] counterIds;
    /** Counter values already handed to the aggregator, per CPU and key. */
    private final long[][] emitted;
    /** Per CPU and key, the stack of the counter's last stack sample: where its next drops go. */
    private final int[][] lastStack;
    private final long[] keyLocation;
    private final int[] keyReason;
    /** For generation g: the key j its hand-over promoted, 0 before it. */
    private final int[] successorKey;
    private int keys;
    private int generation;
    private long duplicates;
    private long refusals;

    // Samples per key in the current window, for choosing the next key to promote.
    private final long[] tallyLocation = new long[TALLY_SLOTS];
    private final int[] tallyReason = new int[TALLY_SLOTS];
    private final long[] tallyCount = new long[TALLY_SLOTS];
    private int tallyUsed;
    private long windowStart = Long.MIN_VALUE;

    /**
     * @param capacity how many keys may be promoted (counters per CPU)
     * @param threshold drops per second from which a key is promoted
     * @param cpuIds the size of the CPU id space; samples are attributed by the ring's CPU id
     */
    public HotKeys(int capacity, long threshold, int cpuIds) {
        if (capacity < 1 || capacity > 16) {
            throw new IllegalArgumentException("hot key capacity " + capacity + " (expected: 1 to 16)");
        }
        if (threshold < 1) {
            throw new IllegalArgumentException("hot key threshold " + threshold + " (expected: 1 or more)");
        }
        this.capacity = capacity;
        this.threshold = threshold;
        this.samplerIds = new long[cpuIds][];
        this.counterIds = new long[cpuIds][];
        this.emitted = new long[cpuIds][capacity + 1];
        this.lastStack = new int[cpuIds][capacity + 1];
        for (int[] stacks : lastStack) {
            Arrays.fill(stacks, DropSink.NO_STACK);
        }
        this.keyLocation = new long[capacity + 1];
        this.keyReason = new int[capacity + 1];
        this.successorKey = new int[capacity + 1];
    }

    /** Keys that can be promoted: counters per CPU. */
    public int capacity() {
        return capacity;
    }

    /** Values in one group read: the leader, capacity + 1 samplers, capacity counters. */
    public int groupSize() {
        return 2 * capacity + 2;
    }

    /** Position of sampler S<sub>g</sub> in a group read. */
    public static int samplerIndex(int g) {
        return 1 + g;
    }

    /** Position of counter C<sub>j</sub> (j from 1) in a group read. */
    public int counterIndex(int j) {
        return capacity + 1 + j;
    }

    /** The kernel ids of one CPU's samplers S<sub>0</sub> .. S<sub>K</sub> (PERF_EVENT_IOC_ID). */
    public void samplers(int cpu, long[] ids) {
        if (ids.length != capacity + 1) {
            throw new IllegalArgumentException(ids.length + " sampler ids for " + (capacity + 1) + " samplers");
        }
        samplerIds[cpu] = ids.clone();
    }

    /**
     * The kernel ids of one CPU's counters C<sub>1</sub> .. C<sub>K</sub>, when they write stack
     * samples to the ring.
     */
    public void counters(int cpu, long[] ids) {
        if (ids.length != capacity) {
            throw new IllegalArgumentException(ids.length + " counter ids for " + capacity + " counters");
        }
        counterIds[cpu] = ids.clone();
    }

    /** The generation of the sampler that wrote a sample; -1 for an unknown id. */
    public int generationOf(int cpu, long id) {
        return indexOf(samplerIds[cpu], id);
    }

    /** The key j of the counter that wrote a stack sample; 0 for an id that is no counter's. */
    public int counterOf(int cpu, long id) {
        int j = indexOf(counterIds[cpu], id) + 1;
        // A counter is enabled only once its key is promoted: a sample of a later one is corrupt.
        return j <= keys ? j : 0;
    }

    private static int indexOf(long[] ids, long id) {
        if (ids == null) {
            return -1;
        }
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] == id) {
                return i;
            }
        }
        return -1;
    }

    /**
     * A stack sample of counter C<sub>j</sub>: the drops it counted up to this one that were not
     * handed on yet go to {@code sink} with this stack, and so do later ones until its next stack
     * sample (see the class comment). Never counted as a drop itself.
     *
     * @param values offset of {@code values[0]} of the sample's group read in {@code buf}, which
     *     holds {@link #groupSize()} values (the caller checks)
     */
    public void stackSample(int cpu, int j, ByteBuf buf, int values, int stackId, DropSink sink) {
        lastStack[cpu][j] = stackId;
        emit(cpu, j, buf.getLongLE(values + 8 * counterIndex(j)), sink);
    }

    /** Hands what C<sub>j</sub> counted beyond what was emitted to the stack last sampled. */
    private void emit(int cpu, int j, long count, DropSink sink) {
        long delta = count - emitted[cpu][j];
        if (delta > 0) {
            sink.drop(cpu, DropOrigin.SOFTWARE, keyLocation[j], keyReason[j], lastStack[cpu][j], delta);
            emitted[cpu][j] = count;
        }
    }

    /**
     * Whether a sample of generation {@code g} counts: false when a successor of its sampler took
     * the same drop (see the class comment). A sample that counts is tallied for promotion.
     *
     * @param values offset of {@code values[0]} of the sample's group read in {@code buf}, which
     *     holds {@link #groupSize()} values (the caller checks)
     * @return true to count the drop, false for a duplicate
     */
    public boolean accept(int g, ByteBuf buf, int values, long location, int reason) {
        if (g < capacity) {
            int j = successorKey[g];
            int successor = j != 0 && keyLocation[j] == location && keyReason[j] == reason
                    ? counterIndex(j) : samplerIndex(g + 1);
            if (buf.getLongLE(values + 8 * successor) != 0) {
                duplicates++;
                return false;
            }
        }
        tally(location, reason);
        return true;
    }

    private void tally(long location, int reason) {
        int h = Long.hashCode(location * 0x9E3779B97F4A7C15L ^ reason) & (TALLY_SLOTS - 1);
        for (int probe = 0; probe < TALLY_SLOTS; probe++) {
            int i = (h + probe) & (TALLY_SLOTS - 1);
            if (tallyCount[i] == 0) {
                if (tallyUsed >= TALLY_SLOTS / 2) {
                    return;     // a window with this many keys has none hot enough to matter
                }
                tallyUsed++;
                tallyLocation[i] = location;
                tallyReason[i] = reason;
                tallyCount[i] = 1;
                return;
            }
            if (tallyLocation[i] == location && tallyReason[i] == reason) {
                tallyCount[i]++;
                return;
            }
        }
    }

    /**
     * Once a window of a second has passed: the key that dropped most in it, if it reached the
     * threshold and a counter is free, becomes key j = {@link #promoted()} + 1 and the successor of
     * the current generation. The caller then hands over on every CPU and calls
     * {@link #handedOver()}. Starts the next window either way.
     *
     * @return j, or 0 when nothing is promoted now
     */
    public int promote(long nowNanos) {
        if (windowStart == Long.MIN_VALUE) {
            windowStart = nowNanos;
            return 0;
        }
        long elapsed = nowNanos - windowStart;
        if (elapsed < WINDOW_NANOS) {
            return 0;
        }
        int best = -1;
        for (int i = 0; i < TALLY_SLOTS; i++) {
            // A promoted key still has samples in the window: those its old sampler wrote before
            // the hand-over and the reader drained after it (up to a ring's worth).
            if (tallyCount[i] != 0 && (best < 0 || tallyCount[i] > tallyCount[best])
                    && !isPromoted(tallyLocation[i], tallyReason[i])) {
                best = i;
            }
        }
        int j = 0;
        if (best >= 0 && refusals == 0 && keys < capacity
                && tallyCount[best] * (double) WINDOW_NANOS / elapsed >= threshold) {
            j = promoteKey(tallyLocation[best], tallyReason[best]);
        }
        Arrays.fill(tallyCount, 0);
        tallyUsed = 0;
        windowStart = nowNanos;
        return j;
    }

    /**
     * Makes (location, reason) key j = {@link #promoted()} + 1, the successor of the current
     * generation; {@link #promote(long)} calls it for the key it chose, and a replay of a captured
     * ring for the key that was handed over during the capture.
     */
    int promoteKey(long location, int reason) {
        if (keys == capacity) {
            throw new IllegalStateException("all " + capacity + " counters are in use");
        }
        int j = ++keys;
        keyLocation[j] = location;
        keyReason[j] = reason;
        successorKey[generation] = j;
        return j;
    }

    private boolean isPromoted(long location, int reason) {
        for (int j = 1; j <= keys; j++) {
            if (keyLocation[j] == location && keyReason[j] == reason) {
                return true;
            }
        }
        return false;
    }

    /** The hand-over that {@link #promote} started is done on every CPU. */
    public void handedOver() {
        generation++;
    }

    /**
     * The hand-over that {@link #promote} started could not be prepared (the kernel refused a
     * filter): the key is taken back and nothing is promoted from now on.
     */
    public void refused() {
        successorKey[generation] = 0;
        keys--;
        refusals++;
    }

    /** Hand-overs the kernel refused: 0, or 1 after which promotion stopped. */
    public long refusals() {
        return refusals;
    }

    /** The current sampler's generation, 0 to capacity. */
    public int generation() {
        return generation;
    }

    /** Keys promoted so far. */
    public int promoted() {
        return keys;
    }

    /**
     * The tracepoint filter of counter C<sub>j</sub>: its key, within the user's kernel filter.
     *
     * @param user the kernel's part of the user's filter, or {@code null}
     */
    public String counterFilter(int j, String user) {
        return user == null ? keyFilter(j) : "(" + user + ") && " + keyFilter(j);
    }

    /** The tracepoint filter of the next sampler: the user's filter without any promoted key. */
    public String samplerFilter(String user) {
        StringBuilder b = new StringBuilder();
        if (user != null) {
            b.append('(').append(user).append(") && ");
        }
        b.append("!(");
        for (int j = 1; j <= keys; j++) {
            b.append(j > 1 ? " || (" : "(").append(keyFilter(j)).append(')');
        }
        return b.append(')').toString();
    }

    private String keyFilter(int j) {
        String location = "location == 0x" + Long.toHexString(keyLocation[j]);
        // Before Linux 5.17 the event has no reason field, and every key has NO_REASON.
        return keyReason[j] == DropSink.NO_REASON ? location : location + " && reason == " + keyReason[j];
    }

    /** Samples skipped because a successor had taken the same drop. */
    public long duplicates() {
        return duplicates;
    }

    /**
     * Hands what each counter of one CPU counted and no stack sample handed on to {@code sink},
     * with the key's last sampled stack on that CPU ({@link DropSink#NO_STACK} before the first).
     *
     * @param group a group read of that CPU (u64 nr, then the values), native byte order
     */
    public void emitCounts(int cpu, ByteBuffer group, DropSink sink) {
        if (group.getLong(0) != groupSize()) {
            throw new IllegalStateException("group read of " + group.getLong(0) + " values, expected " + groupSize());
        }
        for (int j = 1; j <= keys; j++) {
            emit(cpu, j, group.getLong(8 + 8 * counterIndex(j)), sink);
        }
    }

    /**
     * Samples of one CPU that the kernel could not write: every drop a sampler took is in its
     * count, once the events are disabled and the ring drained. This includes the losses that
     * PERF_RECORD_LOST records already reported.
     *
     * @param group the CPU's group read
     * @param samplesRead the sample records read from the CPU's ring
     */
    public long lost(ByteBuffer group, long samplesRead) {
        long taken = 0;
        for (int g = 0; g <= capacity; g++) {
            taken += group.getLong(8 + 8 * samplerIndex(g));
        }
        return taken - samplesRead;
    }
}
