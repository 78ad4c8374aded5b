// SPDX-License-Identifier: Apache-2.0
package org.dropscope.source.tracepoint;

import java.nio.ByteBuffer;
import org.dropscope.nativeio.NativeException;
import org.dropscope.perf.PerfSyscalls;
import org.dropscope.perf.PerfSyscalls.Event;
import org.dropscope.perf.PerfSyscalls.RingMapping;
import org.dropscope.source.SourceException;

/**
 * One CPU's sampling event: every drop the kernel's filter lets through is a sample in its ring.
 * Its losses are the PERF_RECORD_LOST records and, with PERF_FORMAT_LOST (Linux 6.0+), what
 * read(2) of the event says no record reported.
 */
final class SamplingStream extends CpuStream {
    /** read(2) with PERF_FORMAT_LOST alone: the count, then the samples lost. */
    private static final int LOST_WORDS = 2;

    private final Event event;
    /** Whether the event was opened with PERF_FORMAT_LOST. */
    private final boolean readsLost;

    private SamplingStream(int cpu, RingMapping mapping, int pageSize, Event event, boolean readsLost) {
        super(cpu, mapping, pageSize);
        this.event = event;
        this.readsLost = readsLost;
    }

    /** Opens one stream per CPU, each with the attr the first one could be opened with. */
    static Opener opener(TracepointSetup setup, PerfSyscalls calls) {
        return new Opener() {
            private ByteBuffer attr = setup.perfEventAttr(true);
            private boolean readsLost = true;
            private boolean first = true;

            @Override
            public CpuStream open(int cpu) throws SourceException {
                Event event = first ? PerfErrors.openIfValid(calls, attr, cpu, setup)
                        : PerfErrors.open(calls, attr, cpu, setup);
                first = false;
                if (event == null) {
                    // PERF_FORMAT_LOST is Linux 6.0+; older kernels reject the read_format with
                    // EINVAL. Without it, losses still arrive as PERF_RECORD_LOST records, except
                    // those no later sample on that CPU brings out before stop.
                    attr = setup.perfEventAttr(false);
                    readsLost = false;
                    event = PerfErrors.open(calls, attr, cpu, setup);
                }
                Event opened = event;
                boolean lost = readsLost;
                return withRing(setup, opened, opened::close, cpu,
                        mapping -> new SamplingStream(cpu, mapping, setup.pageSize(), opened, lost));
            }
        };
    }

    @Override
    Event polled() {
        return event;
    }

    @Override
    void filter(String tracefsFilter) throws SourceException {
        PerfErrors.setFilter(event, tracefsFilter, cpu());
    }

    @Override
    void enable() throws NativeException {
        event.enable();
    }

    @Override
    void disable() throws NativeException {
        event.disable();
    }

    @Override
    boolean readsLosses() {
        return readsLost;
    }

    /** The event's count less the samples read and lost is what it took without a sample. */
    @Override
    long unreportedLosses() throws NativeException {
        if (!readsLost) {
            return 0;
        }
        long[] words = event.read(LOST_WORDS);
        if (words.length != LOST_WORDS) {
            return 0;
        }
        long lost = words[1];
        return unreported(lost, words[0] - samplesRead() - lost);
    }

    @Override
    void closeEvents() {
        event.close();
    }
}
