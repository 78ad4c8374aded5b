// SPDX-License-Identifier: Apache-2.0
package org.dropscope.source.tracepoint;

import org.dropscope.event.DropSink;
import org.dropscope.nativeio.NativeException;
import org.dropscope.perf.PerfSyscalls;
import org.dropscope.perf.PerfSyscalls.Event;
import org.dropscope.perf.PerfSyscalls.RingMapping;
import org.dropscope.source.SourceException;

/**
 * One CPU's hot-key counting group ({@link HotCountGroup}): its samplers write to the leader's
 * ring, and what its counters counted goes to the aggregator after every drain ({@link HotKeys}).
 * Its losses come from the samplers' counts: every drop a sampler took is a sample read or lost.
 * With stacks its counters write their stack samples to the same ring.
 */
final class CountingStream extends CpuStream {
    private final HotCountGroup group;
    private final HotKeys hot;

    private CountingStream(int cpu, RingMapping mapping, int pageSize, HotCountGroup group, HotKeys hot) {
        super(cpu, mapping, pageSize);
        this.group = group;
        this.hot = hot;
    }

    /**
     * Opens one group per CPU with every member disabled, sends its samplers' records to the
     * leader's ring, tells the keys their ids, and adds it to {@code handOver}.
     */
    static Opener opener(TracepointSetup setup, PerfSyscalls calls, HandOver handOver) {
        HotKeys hot = handOver.keys();
        return cpu -> {
            HotCountGroup group = HotCountGroup.open(setup, calls, cpu, hot.capacity());
            CountingStream stream = withRing(setup, group.leader(), group::close, cpu, mapping -> {
                // PERF_EVENT_IOC_SET_OUTPUT needs the target's ring mapped already.
                hot.samplers(cpu, group.redirectSamplers());
                if (setup.countersSample()) {
                    hot.counters(cpu, group.redirectCounters());
                }
                return new CountingStream(cpu, mapping, setup.pageSize(), group, hot);
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
        group.filterFirstSampler(tracefsFilter);
    }

    @Override
    void enable() throws NativeException {
        group.start();
    }

    @Override
    void disable() throws NativeException {
        group.stop();
    }

    @Override
    void afterDrain(DropSink writer) throws SourceException {
        hot.emitCounts(cpu(), group.readCounts(), writer);
    }

    @Override
    boolean readsLosses() {
        return true;
    }

    /** A group has no PERF_FORMAT_LOST count: its samplers' counts hold both kinds of loss. */
    @Override
    long unreportedLosses() throws SourceException {
        return unreported(0, hot.lost(group.readCounts(), samplesRead()));
    }

    @Override
    void closeEvents() {
        group.close();
    }
}
