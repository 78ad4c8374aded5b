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
 * <p>The hand-over on one CPU: enable the counters C<sub>j</sub> of the keys it promotes (one or
 * more) and sampler S<sub>g+1</sub>, then disable S<sub>g</sub>. In between, a drop can reach
 * both S<sub>g</sub> and its successor: the counter of its key, or S<sub>g+1</sub>. The
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
    private static final long SECOND_NANOS = 1_000_000_000L;
    /** The tally starts afresh this often, so that a key's slow past does not hide a burst. */
    private static final long WINDOW_NANOS = SECOND_NANOS;
    /**
     * A key is promoted on no fewer samples than this and than {@link #MIN_RATE_NANOS} of the
     * threshold's rate. Promotion is checked at every drain pass, and at full speed a ring fills
     * in milliseconds, so waiting for a longer window would lose samples; but a burst of a few
     * drops (a socket's queue purged at once) is no rate, and each promotion spends a counter and a
     * hand-over (a few ioctls per CPU). 16 samples cost the dropping CPU about 16 µs.
     */
    static final int MIN_SAMPLES = 16;
    /** See {@link #MIN_SAMPLES}: a rate is measured over 10 ms at least. */
    static final long MIN_RATE_NANOS = 10_000_000L;

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
    /**
     * For generation g: the keys j its hand-over promoted, from keysFrom[g] to before keysTo[g]
     * (both 0 before it). Keys are numbered in promotion order, so a hand-over's keys are a range.
     */
    private final int[] keysFrom;
    private final int[] keysTo;
    private int keys;
    private int generation;
    /** Samples skipped as duplicates, per CPU (for its losses). */
    private final long[] duplicatesOn;
    private long refusals;

    // Samples per key in the current window, for choosing the next key to promote.
    private final long[] tallyLocation = new long[TALLY_SLOTS];
    private final int[] tallyReason = new int[TALLY_SLOTS];
    private final long[] tallyCount = new long[TALLY_SLOTS];
    /** When a key's count began: the pass before its first sample of the window, once stamped. */
    private final long[] tallyStart = new long[TALLY_SLOTS];
    private final boolean[] tallyStamped = new boolean[TALLY_SLOTS];
    private int tallyUsed;
    private long windowStart = Long.MIN_VALUE;
    private long lastPass;

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
        this.duplicatesOn = new long[cpuIds];
        this.counterIds = new long[cpuIds][];
        this.emitted = new long[cpuIds][capacity + 1];
        this.lastStack = new int[cpuIds][capacity + 1];
        for (int[] stacks : lastStack) {
            Arrays.fill(stacks, DropSink.NO_STACK);
        }
        this.keyLocation = new long[capacity + 1];
        this.keyReason = new int[capacity + 1];
        this.keysFrom = new int[capacity + 1];
        this.keysTo = new int[capacity + 1];
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
    private boolean emit(int cpu, int j, long count, DropSink sink) {
        long delta = count - emitted[cpu][j];
        if (delta <= 0) {
            return false;
        }
        sink.drop(cpu, DropOrigin.SOFTWARE, keyLocation[j], keyReason[j], lastStack[cpu][j], delta);
        emitted[cpu][j] = count;
        return true;
    }

    /**
     * Whether a sample of generation {@code g} from CPU {@code cpu} counts: false when a successor
     * of its sampler took the same drop (see the class comment). A sample that counts is tallied
     * for promotion.
     *
     * @param values offset of {@code values[0]} of the sample's group read in {@code buf}, which
     *     holds {@link #groupSize()} values (the caller checks)
     * @return true to count the drop, false for a duplicate
     */
    public boolean accept(int cpu, int g, ByteBuf buf, int values, long location, int reason) {
        if (g < capacity) {
            int successor = samplerIndex(g + 1);
            for (int j = keysFrom[g]; j < keysTo[g]; j++) {
                if (keyLocation[j] == location && keyReason[j] == reason) {
                    successor = counterIndex(j);
                    break;
                }
            }
            if (buf.getLongLE(values + 8 * successor) != 0) {
                duplicatesOn[cpu]++;
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
     * At every drain pass: each key not yet promoted whose samples since its count began reach
     * the threshold's rate over that time, and at least {@link #MIN_SAMPLES} and
     * {@link #MIN_RATE_NANOS} of that rate, becomes a key, busiest first, while counters are
     * free; all of them are the successors of the current generation, handed over at once. The
     * caller then hands over on every CPU and calls {@link #handedOver()}. A key's count begins at
     * the pass before its first sample; all counts start afresh every {@link #WINDOW_NANOS}.
     *
     * @return how many keys were promoted now: the last ones up to {@link #promoted()}
     */
    public int promote(long nowNanos) {
        if (windowStart == Long.MIN_VALUE) {
            windowStart = nowNanos;
            lastPass = nowNanos;
        }
        int before = keys;
        while (refusals == 0 && keys < capacity) {
            int best = busiestDue(nowNanos);
            if (best < 0) {
                break;
            }
            promoteKey(tallyLocation[best], tallyReason[best]);
        }
        if (nowNanos - windowStart >= WINDOW_NANOS) {
            Arrays.fill(tallyCount, 0);
            Arrays.fill(tallyStamped, false);
            tallyUsed = 0;
            windowStart = nowNanos;
        }
        lastPass = nowNanos;
        return keys - before;
    }

    /** The slot of the busiest key due for promotion now and not promoted, or -1. Stamps new keys. */
    private int busiestDue(long nowNanos) {
        long floor = Math.max(MIN_SAMPLES, threshold * MIN_RATE_NANOS / SECOND_NANOS);
        int best = -1;
        for (int i = 0; i < TALLY_SLOTS; i++) {
            if (tallyCount[i] == 0) {
                continue;
            }
            if (!tallyStamped[i]) {
                tallyStamped[i] = true;
                tallyStart[i] = lastPass;
            }
            long elapsed = nowNanos - tallyStart[i];
            // A promoted key still has samples in the window: those its old sampler wrote before
            // the hand-over and the reader drained after it (up to a ring's worth).
            if (tallyCount[i] >= floor && tallyCount[i] >= threshold * (double) elapsed / SECOND_NANOS
                    && (best < 0 || tallyCount[i] > tallyCount[best])
                    && !isPromoted(tallyLocation[i], tallyReason[i])) {
                best = i;
            }
        }
        return best;
    }

    /**
     * Makes (location, reason) key j = {@link #promoted()} + 1, one of the successors of the
     * current generation; {@link #promote(long)} calls it for each key it chose, and a replay of a
     * captured ring for the key that was handed over during the capture.
     */
    int promoteKey(long location, int reason) {
        if (keys == capacity) {
            throw new IllegalStateException("all " + capacity + " counters are in use");
        }
        int j = ++keys;
        keyLocation[j] = location;
        keyReason[j] = reason;
        if (keysTo[generation] == 0) {
            keysFrom[generation] = j;
        }
        keysTo[generation] = j + 1;
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
     * filter): its keys are taken back and nothing is promoted from now on.
     */
    public void refused() {
        keys -= keysTo[generation] - keysFrom[generation];
        keysFrom[generation] = 0;
        keysTo[generation] = 0;
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
        long n = 0;
        for (long d : duplicatesOn) {
            n += d;
        }
        return n;
    }

    /**
     * Hands what each counter of one CPU counted and no stack sample handed on to {@code sink},
     * with the key's last sampled stack on that CPU ({@link DropSink#NO_STACK} before the first).
     *
     * @param group a group read of that CPU (u64 nr, then the values), native byte order
     */
    public boolean emitCounts(int cpu, ByteBuffer group, DropSink sink) {
        if (group.getLong(0) != groupSize()) {
            throw new IllegalStateException("group read of " + group.getLong(0) + " values, expected " + groupSize());
        }
        boolean moved = false;
        for (int j = 1; j <= keys; j++) {
            moved |= emit(cpu, j, group.getLong(8 + 8 * counterIndex(j)), sink);
        }
        return moved;
    }

    /**
     * The drops of one CPU's group that no counter took: the leader's count (every drop the
     * user's kernel filter let through, with the group enabled) less the counters' counts. Each is
     * a sample that was read, or one the ring could not take.
     *
     * @param group the CPU's group read
     */
    public long uncounted(ByteBuffer group) {
        long counted = 0;
        for (int j = 1; j <= capacity; j++) {
            counted += group.getLong(8 + 8 * counterIndex(j));
        }
        return group.getLong(8) - counted;
    }

    /**
     * Samples of one CPU that the kernel could not write: {@code uncounted} less the samples
     * read that were not skipped as duplicates (those filtered out in user space were seen, and
     * count). Exact once the group is disabled and its ring drained; before, with the
     * {@link #uncounted} of an earlier read, it is at most what was lost by then, as every member
     * counts a drop, and a sampler writes its sample, before the leader counts it (the leader is
     * last on the tracepoint's list, see the class comment). A sampler's own count would not do:
     * a duplicate sample the ring could not take was counted by the successor as well.
     *
     * @param samplesRead the sample records read from the CPU's ring
     */
    public long lost(int cpu, long uncounted, long samplesRead) {
        return uncounted - (samplesRead - duplicatesOn[cpu]);
    }
}
