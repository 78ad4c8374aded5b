// SPDX-License-Identifier: Apache-2.0
package org.dropscope.source.tracepoint;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.dropscope.nativeio.NativeException;
import org.dropscope.perf.PerfSyscalls.Wakeup;

/**
 * When the ring reader wakes, so that an idle dropscope costs next to nothing and a live view
 * still sees every drop by its next snapshot.
 *
 * <p>The kernel wakes a poller only once a ring holds a quarter of its size (the wakeup
 * watermark), so the reader also wakes on a timeout to pick up drops below it. While the rings
 * have data the timeout is the poll interval ({@link TracepointOptions#pollMillis}); after a pass
 * that found every ring empty it doubles, up to {@link #IDLE_MILLIS}: an idle reader wakes a few
 * hundred times an hour instead of ten times a second. A drop that ends an idle spell then waits
 * in its ring for at most {@link #IDLE_MILLIS} before a recording has it, but a live view does not
 * wait: before each snapshot it calls {@link #flush}, which wakes the reader and returns once a
 * whole pass has drained every ring, so the snapshot has every drop written before the call (a
 * tenth of a second sooner than with the fixed timeout, which could leave them in the ring).
 * When every ring is empty and no stream has counts to read ({@link CpuStream#nothingToRead}),
 * {@code flush} wakes nobody: an idle live view then costs the reader no pass a second.
 *
 * <p>Thread-safety: {@link #nextTimeout}, {@link #passBegins} and {@link #passEnds} on the reader
 * thread; {@link #flush} on any thread.
 */
final class ReaderPace {
    /** The longest poll timeout, reached after a few passes that found every ring empty. */
    static final int IDLE_MILLIS = 10_000;

    private final int pollMillis;
    private final Object lock = new Object();
    private int timeout;
    /** Passes begun and ended, guarded by {@code lock}. */
    private long begun;
    private long ended;
    private boolean finished;

    ReaderPace(int pollMillis) {
        this.pollMillis = pollMillis;
        this.timeout = pollMillis;
    }

    /** The timeout of the next poll, after a pass that did or did not {@code read} anything. */
    int nextTimeout(boolean read) {
        timeout = read ? pollMillis : (int) Math.min(2L * timeout, Math.max(pollMillis, IDLE_MILLIS));
        return timeout;
    }

    /** The first poll's timeout. */
    int firstTimeout() {
        return timeout;
    }

    void passBegins() {
        synchronized (lock) {
            begun++;
        }
    }

    void passEnds() {
        synchronized (lock) {
            ended++;
            lock.notifyAll();
        }
    }

    /** The reader has ended: nobody waits for it any more. */
    void finish() {
        synchronized (lock) {
            finished = true;
            lock.notifyAll();
        }
    }

    /**
     * Wakes the reader and waits until a pass that began after this call has ended, or
     * {@code millis} have passed, or the reader has ended; but when {@code nothingToRead} finds
     * every ring empty and nothing else for a pass to hand on, it only waits for a pass already
     * under way, which may have taken drops from a ring without handing them on yet.
     *
     * @param nothingToRead whether a pass would find nothing; asked only while the reader has
     *     not ended
     * @return whether such a pass ended in time (at once when there was none to wait for)
     */
    boolean flush(Wakeup wakeup, long millis, BooleanSupplier nothingToRead)
            throws NativeException, InterruptedException {
        boolean idle;
        long target;
        synchronized (lock) {
            if (finished) {
                return false;
            }
            // Asked while the reader runs, so the rings are still mapped; and under the lock, so
            // a pass that emptied a ring before the answer is among those begun.
            idle = nothingToRead.getAsBoolean();
            // A pass already under way may have passed a ring before the caller's drops arrived,
            // or taken them and not handed them on yet.
            target = idle ? begun : begun + 1;
            if (ended >= target) {
                return true;
            }
        }
        if (!idle) {
            wakeup.signal();
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        synchronized (lock) {
            while (ended < target && !finished) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            return ended >= target;
        }
    }
}
