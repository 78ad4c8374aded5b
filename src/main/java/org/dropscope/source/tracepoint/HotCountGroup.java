// SPDX-License-Identifier: Apache-2.0
package org.dropscope.source.tracepoint;

import java.nio.ByteBuffer;
import org.dropscope.nativeio.NativeException;
import org.dropscope.perf.PerfSyscalls;
import org.dropscope.perf.PerfSyscalls.Event;
import org.dropscope.source.SourceException;

/**
 * One CPU's perf group for counting hot keys in the kernel ({@link HotKeys} has the why): a leader
 * that counts every drop the user's kernel filter lets through and owns the ring, K + 1 samplers
 * and K counters, all on {@code skb:kfree_skb}.
 *
 * <p>Every member is opened when the source opens, disabled. Opening a member later would race
 * with a sampler's group read: a sample being written when the member joins gets more values than
 * its {@code nr} says and loses the end of its raw entry (seen on 6.18). A disabled member costs
 * the kernel nothing per drop; it only adds a value to each sample's group read.
 *
 * <p>The leader must be a tracepoint event too: members of a group led by a software event
 * ({@code PERF_COUNT_SW_DUMMY}, {@code cpu-clock}) count nothing on 6.18. Its filter is the
 * user's (or none), so its count is every drop offered to the group: the exact sum the samples
 * and counters must reach, whatever the ring lost ({@link HotKeys#lost}). It costs the dropping
 * CPU a count increment on top of the filter it evaluated anyway. Enabling or disabling the leader
 * starts or stops the whole group at once on its CPU.
 */
final class HotCountGroup implements AutoCloseable {
    private final int cpu;
    private final Event leader;
    private final Event[] samplers;
    private final Event[] counters;
    private final ByteBuffer read;

    private HotCountGroup(int cpu, Event leader, Event[] samplers, Event[] counters) {
        this.cpu = cpu;
        this.leader = leader;
        this.samplers = samplers;
        this.counters = counters;
        this.read = PerfSyscalls.readBuffer(2 + samplers.length + counters.length);     // nr, leader, members
    }

    /**
     * Opens the group on {@code cpu}, all disabled. Closes what it opened if anything fails.
     */
    static HotCountGroup open(TracepointSetup setup, PerfSyscalls calls, int cpu, int capacity) throws SourceException {
        Event leader = PerfErrors.open(calls, setup.groupLeaderAttr(), cpu, setup);
        Event[] samplers = new Event[capacity + 1];
        Event[] counters = new Event[capacity];
        boolean ok = false;
        try {
            ByteBuffer samplerAttr = setup.groupSamplerAttr();
            // The group read lists members in the order they joined: samplers, then counters.
            for (int g = 0; g < samplers.length; g++) {
                samplers[g] = PerfErrors.openInGroup(calls, samplerAttr, cpu, leader, setup);
            }
            ByteBuffer counterAttr = setup.groupCounterAttr();
            for (int j = 0; j < counters.length; j++) {
                counters[j] = PerfErrors.openInGroup(calls, counterAttr, cpu, leader, setup);
            }
            ok = true;
            return new HotCountGroup(cpu, leader, samplers, counters);
        } finally {
            if (!ok) {
                closeAll(leader, samplers, counters);
            }
        }
    }

    /** The kernel's part of the user's filter, on the leader and the first sampler, before {@link #start}. */
    void filter(String filter) throws SourceException {
        PerfErrors.setFilter(leader, filter, cpu);
        PerfErrors.setFilter(samplers[0], filter, cpu);
    }

    /** The event whose fd is polled and whose ring is mapped. */
    Event leader() {
        return leader;
    }

    /**
     * Sends every sampler's records to the leader's ring (mapped by the caller first) and returns
     * the samplers' ids, which PERF_SAMPLE_IDENTIFIER puts in each sample.
     */
    long[] redirectSamplers() throws SourceException {
        return redirect(samplers, "a sampler");
    }

    /** {@link #redirectSamplers()} for the counters, when they write stack samples. */
    long[] redirectCounters() throws SourceException {
        return redirect(counters, "a counter's stack samples");
    }

    private long[] redirect(Event[] members, String what) throws SourceException {
        long[] ids = new long[members.length];
        for (int i = 0; i < members.length; i++) {
            try {
                members[i].setOutput(leader);
                ids[i] = members[i].id();
            } catch (NativeException e) {
                throw PerfErrors.ioctlFailed("redirecting " + what + " to the group's ring", cpu, e);
            }
        }
        return ids;
    }

    /**
     * Enables the first sampler, then the leader. A member enabled while its leader is off waits
     * for it; enabling the leader then schedules the whole group in at once on its CPU, so the
     * leader counts no drop that S<sub>0</sub> did not take.
     */
    void start() throws NativeException {
        samplers[0].enable();
        leader.enable();
    }

    /**
     * First half of handing keys over from sampler S<sub>g</sub>: the filters of counters
     * C<sub>first</sub> onwards (one per filter given) and of sampler S<sub>g+1</sub>, set while
     * they are still disabled. A filter the kernel refuses leaves the group as it was.
     */
    void prepareHandOver(int g, int first, String[] counterFilters, String samplerFilter) throws SourceException {
        for (int i = 0; i < counterFilters.length; i++) {
            PerfErrors.setFilter(counters[first - 1 + i], counterFilters[i], cpu);
        }
        PerfErrors.setFilter(samplers[g + 1], samplerFilter, cpu);
    }

    /**
     * Second half: enables the {@code n} counters from C<sub>first</sub> and S<sub>g+1</sub>, then
     * disables S<sub>g</sub>, so that no drop falls between them (the duplicates are
     * {@link HotKeys}'s).
     */
    void handOver(int g, int first, int n) throws SourceException {
        try {
            for (int i = 0; i < n; i++) {
                counters[first - 1 + i].enable();
            }
            samplers[g + 1].enable();
            samplers[g].disable();
        } catch (NativeException e) {
            throw PerfErrors.ioctlFailed("handing a hot key to a counting event", cpu, e);
        }
    }

    /** Stops the whole group on its CPU at once. */
    void stop() throws NativeException {
        leader.disable();
    }

    /**
     * The group's counts: u64 nr, then one u64 per member in {@link HotKeys}'s order. The buffer is
     * reused by the next call.
     */
    ByteBuffer readCounts() throws SourceException {
        try {
            leader.readInto(read);
        } catch (NativeException e) {
            throw PerfErrors.ioctlFailed("reading the counting group", cpu, e);
        }
        return read;
    }

    @Override
    public void close() {
        closeAll(leader, samplers, counters);
    }

    private static void closeAll(Event leader, Event[] samplers, Event[] counters) {
        for (Event e : counters) {
            if (e != null) {
                e.close();
            }
        }
        for (Event e : samplers) {
            if (e != null) {
                e.close();
            }
        }
        leader.close();
    }
}
