// SPDX-License-Identifier: Apache-2.0
package org.dropscope.source;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.dropscope.aggregate.DropAggregator;
import org.dropscope.aggregate.Snapshot;

/**
 * A source feeding a {@link DropAggregator}, and a ticker thread ({@code dropscope-ticker}) that
 * takes a snapshot once per interval and hands it to a {@link Listener}: what the shell's
 * monitoring session and {@code top} have in common.
 *
 * <p>{@link #stop()} stops the kernel side, hands over a last snapshot that holds every drop the
 * kernel recorded before (the source drains its buffers in {@link DropSource#stop()}), and closes
 * the source, releasing its kernel resources. It is idempotent, may be called from any thread
 * (a signal handler, a shutdown hook) and returns only once that has been done, by whichever
 * thread did it. With a tick limit, the ticker does the same itself at the last tick, so that
 * the last interval is a whole one and still complete.
 *
 * <p>The listener is called with this session's lock held, never concurrently, and must not call
 * {@link #stop()}.
 */
public final class IntervalSession {
    /** Distinct (location, reason, stack) keys kept before counting into overflow. */
    public static final int KEY_CAPACITY = 1 << 16;
    /** Distinct kernel call chains kept. */
    public static final int STACK_CAPACITY = 1 << 14;

    /** Receives each interval's snapshot. */
    @FunctionalInterface
    public interface Listener {
        /**
         * @param last whether this is the session's last snapshot, taken after the source stopped
         */
        void interval(Snapshot snapshot, boolean last);
    }

    private final DropSource source;
    private final DropAggregator aggregator;
    private final long intervalMillis;
    private final long tickLimit;
    private final Listener listener;
    private final Thread ticker;
    private final CountDownLatch ended = new CountDownLatch(1);
    private boolean stopping;
    private long ticks;
    private Snapshot last;
    private SourceException stopFailure;

    /**
     * @param tickLimit the number of intervals after which the session stops itself, 0 for none
     */
    public IntervalSession(DropSource source, long intervalMillis, long tickLimit, Listener listener) {
        if (intervalMillis < 1 || tickLimit < 0) {
            throw new IllegalArgumentException("interval " + intervalMillis + " ms, tick limit " + tickLimit);
        }
        this.source = source;
        this.intervalMillis = intervalMillis;
        this.tickLimit = tickLimit;
        this.listener = listener;
        this.aggregator = new DropAggregator(source.cpus(), KEY_CAPACITY, STACK_CAPACITY);
        this.ticker = new Thread(this::tick, "dropscope-ticker");
        ticker.setDaemon(true);
    }

    /** Starts the source and the ticker. */
    public void start() throws SourceException {
        source.start(aggregator);
        ticker.start();
    }

    public DropSource source() {
        return source;
    }

    public DropAggregator aggregator() {
        return aggregator;
    }

    /** The latest snapshot (totals since start), or {@code null} before the first interval. */
    public synchronized Snapshot lastSnapshot() {
        return last;
    }

    /** Waits up to {@code millis} for the session to have stopped (tick limit or {@link #stop()}). */
    public boolean awaitEnd(long millis) throws InterruptedException {
        return ended.await(millis, TimeUnit.MILLISECONDS);
    }

    /**
     * Stops the source, hands over the last snapshot and releases the source; idempotent.
     *
     * @throws SourceException if the source failed to stop (it is released all the same)
     */
    public void stop() throws SourceException {
        boolean first;
        synchronized (this) {
            first = !stopping;
            stopping = true;
        }
        if (!first) {
            awaitEndQuietly();
            return;
        }
        // Joined without the lock: the ticker may be waiting for it to deliver an interval.
        ticker.interrupt();
        try {
            ticker.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            finish();
            SourceException f = stopFailure;
            stopFailure = null;
            if (f != null) {
                throw f;
            }
        }
    }

    private void tick() {
        try {
            while (true) {
                Thread.sleep(intervalMillis);
                // Outside the lock: stop() holds it while the source ends.
                source.flush();
                synchronized (this) {
                    if (stopping) {
                        return;
                    }
                    ticks++;
                    if (tickLimit > 0 && ticks >= tickLimit) {
                        stopping = true;
                        finish();
                        return;
                    }
                    last = aggregator.snapshot();
                    listener.interval(last, false);
                }
            }
        } catch (InterruptedException e) {
            // stop() is ending the session.
        }
    }

    /** Caller holds the lock and set {@code stopping}. */
    private void finish() {
        try {
            try {
                source.stop();
            } catch (SourceException e) {
                stopFailure = e;
            }
            last = aggregator.snapshot();
            listener.interval(last, true);
        } finally {
            source.close();
            ended.countDown();
        }
    }

    private void awaitEndQuietly() {
        try {
            ended.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
