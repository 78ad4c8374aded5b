// SPDX-License-Identifier: Apache-2.0
package org.dropscope.source.tracepoint;

import java.util.function.LongSupplier;
import org.dropscope.event.DropEventSink;
import org.dropscope.event.DropSink;
import org.dropscope.nativeio.NativeException;
import org.dropscope.perf.PerfSyscalls.Poll;
import org.dropscope.perf.PerfSyscalls.Wakeup;
import org.dropscope.source.SourceException;

/**
 * The {@code dropscope-tracepoint} thread's work: poll(2) every CPU's ring and the wakeup; on
 * each wake-up or timeout drain every ring into the aggregator's writer, one writer batch per
 * pass, then let the hot keys move ({@link HandOver}). Once {@link #requestStop asked to stop}
 * (the events disabled, the grace period over) it drains once more, adds the losses no record
 * reported ({@link CpuStream#unreportedLosses}) and ends. A failure ends it too, kept for
 * {@link #failure()}.
 */
final class RingReader implements Runnable {
    private final CpuStream[] streams;
    private final Poll poll;
    private final Wakeup wakeup;
    private final int pollMillis;
    private final KfreeSkbDecoder decoder;
    private final DropSink writer;
    /** Also receives the losses found at the end, or null. */
    private final DropEventSink recorder;
    /** Null when no key is to be promoted: sampling, or a user-space filter the counters lack. */
    private final HandOver handOver;
    private final LongSupplier clock;
    private volatile boolean stopping;
    private volatile Throwable failure;

    /**
     * @param clock the time, in nanoseconds, for the hot keys' windows: {@code System::nanoTime}
     */
    RingReader(CpuStream[] streams, Poll poll, Wakeup wakeup, int pollMillis, KfreeSkbDecoder decoder,
            DropSink writer, DropEventSink recorder, HandOver handOver, LongSupplier clock) {
        this.streams = streams;
        this.poll = poll;
        this.wakeup = wakeup;
        this.pollMillis = pollMillis;
        this.decoder = decoder;
        this.writer = writer;
        this.recorder = recorder;
        this.handOver = handOver;
        this.clock = clock;
    }

    /** From now on the next pass is the last; the caller then signals the wakeup. */
    void requestStop() {
        stopping = true;
    }

    boolean stopRequested() {
        return stopping;
    }

    /** What ended the reader early, or null. */
    Throwable failure() {
        return failure;
    }

    @Override
    public void run() {
        try {
            while (true) {
                poll.poll(timeoutMillis());
                boolean last = stopping;
                drainAll();
                if (last) {
                    // The events are disabled and the grace period is over: once the rings are
                    // empty, nothing more can arrive.
                    drainAll();
                    countUnreportedLosses();
                    return;
                }
                if (handOver != null) {
                    handOver.tick(clock.getAsLong());
                }
                if (poll.woken()) {
                    wakeup.drain();
                }
            }
        } catch (Throwable t) {
            failure = t;
        }
    }

    /**
     * How long poll(2) may wait. While any key is counted in the kernel, its drops reach the
     * aggregator and the recording only through a pass's read of the counts
     * ({@link CountingStream}), however empty the rings stay: its counters write no sample that
     * would wake the reader. So whatever the reader sleeps while the rings are empty, it must run a
     * pass at least every {@link TracepointOptions#DEFAULT_POLL_MILLIS} while a key is promoted,
     * for per-second views and recordings whose counted events stay a read apart.
     */
    private int timeoutMillis() {
        return handOver != null && handOver.keys().promoted() > 0
                ? Math.min(pollMillis, TracepointOptions.DEFAULT_POLL_MILLIS) : pollMillis;
    }

    private void drainAll() throws SourceException {
        writer.begin();
        try {
            for (CpuStream s : streams) {
                s.drain(decoder, writer);
            }
        } finally {
            writer.end();
        }
        if (recorder != null) {
            recorder.endPass();
        }
    }

    /** Once the rings are drained and the events disabled: what each CPU's counts add. */
    private void countUnreportedLosses() throws NativeException, SourceException {
        boolean known = false;
        for (CpuStream s : streams) {
            known |= s.readsLosses();
        }
        if (!known) {
            return;
        }
        writer.begin();
        try {
            for (CpuStream s : streams) {
                long unreported = s.unreportedLosses();
                if (unreported > 0) {
                    writer.lost(s.cpu(), unreported);
                    if (recorder != null) {
                        recorder.lost(System.nanoTime(), s.cpu(), unreported);
                    }
                }
            }
        } finally {
            writer.end();
        }
    }
}
