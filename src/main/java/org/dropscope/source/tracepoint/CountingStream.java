// SPDX-License-Identifier: Apache-2.0
package org.dropscope.source.tracepoint;

import java.nio.ByteBuffer;
import java.util.function.LongSupplier;
import org.dropscope.event.DropSink;
import org.dropscope.nativeio.NativeException;
import org.dropscope.perf.PerfSyscalls;
import org.dropscope.perf.PerfSyscalls.Event;
import org.dropscope.perf.PerfSyscalls.RingMapping;
import org.dropscope.source.SourceException;

/**
 * One CPU's hot-key counting group ({@link HotCountGroup}): its samplers write to the leader's
 * ring, and what its counters counted goes to the aggregator after every drain ({@link HotKeys}).
 * Its losses come from the group's counts, not from PERF_RECORD_LOST: every drop the leader
 * counted is a counter's, a sample read and not skipped as a duplicate, or lost
 * ({@link HotKeys#lost}). A record would also count a duplicate the ring could not take, or a
 * counter's stack sample. After each drain the losses known by the previous pass's read are
 * passed on; the rest once the group is disabled and drained, when the count is exact. With
 * stacks its counters write their stack samples to the same ring; they are not drops. When
 * recording, what the counters counted is recorded at each read's time.
 */
final class CountingStream extends CpuStream {
    private final HotCountGroup group;
    private final HotKeys hot;
    /** The time of a read of the counts, on the samples' clock when recording: System::nanoTime. */
    private final LongSupplier clock;
    /** {@link HotKeys#uncounted} at the previous pass's read. Reader thread only. */
    private long uncountedBefore;
    /** Losses passed to the writer so far. Reader thread only. */
    private long lostPassed;

    private CountingStream(int cpu, RingMapping mapping, int pageSize, HotCountGroup group, HotKeys hot,
            LongSupplier clock) {
        super(cpu, mapping, pageSize);
        this.group = group;
        this.hot = hot;
        this.clock = clock;
    }

    /**
     * Opens one group per CPU with every member disabled, sends its samplers' records to the
     * leader's ring, tells the keys their ids, and adds it to {@code handOver}.
     *
     * @param clock the time of each read of the counts, which counted drops are recorded at
     */
    static Opener opener(TracepointSetup setup, PerfSyscalls calls, HandOver handOver, LongSupplier clock) {
        HotKeys hot = handOver.keys();
        return cpu -> {
            HotCountGroup group = HotCountGroup.open(setup, calls, cpu, hot.capacity());
            CountingStream stream = withRing(setup, group.leader(), group::close, cpu, mapping -> {
                // PERF_EVENT_IOC_SET_OUTPUT needs the target's ring mapped already.
                hot.samplers(cpu, group.redirectSamplers());
                if (setup.countersSample()) {
                    hot.counters(cpu, group.redirectCounters());
                }
                return new CountingStream(cpu, mapping, setup.pageSize(), group, hot, clock);
            });
            handOver.add(group);
            return stream;
        };
    }

    @Override
    Event polled() {
        return group.leader();
    }

    @Override
    void filter(String tracefsFilter) throws SourceException {
        group.filter(tracefsFilter);
    }

    @Override
    void enable() throws NativeException {
        group.start();
    }

    @Override
    void disable() throws NativeException {
        group.stop();
    }

    /**
     * Reads the counts, then passes on the losses the previous read showed and what the counters
     * counted since then, as of this read's time, to the writer and any recorder
     * ({@link KfreeSkbDecoder#countedAt}).
     */
    @Override
    boolean afterDrain(KfreeSkbDecoder decoder, DropSink writer) throws SourceException {
        long lost = hot.lost(cpu(), uncountedBefore, samplesRead());
        ByteBuffer counts = group.readCounts();
        // Read after the counts: every drop they hold happened before it.
        DropSink counted = decoder.countedAt(clock.getAsLong());
        boolean moved = lost > lostPassed;
        if (moved) {
            counted.lost(cpu(), lost - lostPassed);
            lostPassed = lost;
        }
        moved |= hot.emitCounts(cpu(), counts, counted);
        uncountedBefore = hot.uncounted(counts);
        return moved;
    }

    /**
     * While a key is counted, its drops reach the writer only through a read of the counts; and
     * losses the last read showed are passed on by the next drain.
     */
    @Override
    boolean handsOnWithoutRing() {
        return hot.promoted() > 0 || hot.lost(cpu(), uncountedBefore, samplesRead()) > lostPassed;
    }

    @Override
    boolean readsLosses() {
        return true;
    }

    /** The exact losses, less those passed on already. */
    @Override
    long unreportedLosses() throws SourceException {
        return hot.lost(cpu(), hot.uncounted(group.readCounts()), samplesRead()) - lostPassed;
    }

    @Override
    void closeEvents() {
        group.close();
    }
}
