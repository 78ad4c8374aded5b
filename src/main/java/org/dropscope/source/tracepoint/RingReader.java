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
 * each wake-up or timeout (paced by {@link ReaderPace}) drain every ring into the aggregator's writer, one writer batch per
 * pass, then let the hot keys move ({@link HandOver}). Once {@link #requestStop asked to stop}
 * (the events disabled, the grace period over) it drains once more, adds the losses no record
 * reported ({@link CpuStream#unreportedLosses}) and ends. A failure ends it too, kept for
 * {@link #failure()}.
 */
final class RingReader implements Runnable {
    private final CpuStream[] streams;
    private final Poll poll;
    private final Wakeup wakeup;
    /** When to wake: the poll timeout, and the passes a live view waits for. */
    private final ReaderPace pace;
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
        this.pace = new ReaderPace(pollMillis);
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

    /**
     * Wakes the reader and waits (at most {@code millis}) until it has drained every ring; only
     * waits for a pass under way when every stream has nothing to read. Any thread.
     */
    boolean flush(long millis) throws NativeException, InterruptedException {
        return pace.flush(wakeup, millis, this::nothingToRead);
    }

    private boolean nothingToRead() {
        for (CpuStream s : streams) {
            if (!s.nothingToRead()) {
                return false;
            }
        }
        return true;
    }

    /** What ended the reader early, or null. */
    Throwable failure() {
        return failure;
    }

    @Override
    public void run() {
        try {
            int timeout = pace.firstTimeout();
            while (true) {
                poll.poll(timeout);
                if (poll.woken()) {
                    // Before the pass, not after: a flush that signals once this pass has begun
                    // waits for the next one, and its signal must still wake that.
                    wakeup.drain();
                }
                boolean last = stopping;
                pace.passBegins();
                boolean read = drainAll();
                pace.passEnds();
                if (last) {
                    // The events are disabled and the grace period is over: once the rings are
                    // empty, nothing more can arrive.
                    drainAll();
                    countUnreportedLosses();
                    return;
                }
                if (handOver != null) {
                    handOver.tick(clock.getAsLong());
                    for (CpuStream s : streams) {
                        s.keepUp();
                    }
                }
                timeout = pace.nextTimeout(read);
            }
        } catch (Throwable t) {
            failure = t;
        } finally {
            pace.finish();
        }
    }

    /** @return whether any ring had anything, or a stream handed counts or losses on */
    private boolean drainAll() throws SourceException {
        boolean read = false;
        writer.begin();
        try {
            for (CpuStream s : streams) {
                read |= s.drain(decoder, writer);
            }
        } finally {
            writer.end();
        }
        if (recorder != null) {
            recorder.endPass();
        }
        return read;
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
