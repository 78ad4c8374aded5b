// SPDX-License-Identifier: Apache-2.0
package org.dropscope.shell;

import java.io.PrintWriter;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.dropscope.aggregate.Snapshot;
import org.dropscope.event.AlertListener;
import org.dropscope.event.PacketDrop;
import org.dropscope.source.DropSource;
import org.dropscope.source.IntervalSession;
import org.dropscope.source.SourceException;
import org.dropscope.view.DropwatchLines;
import org.dropscope.view.DropwatchReplies;
import org.dropscope.view.PacketBlock;

/**
 * One running monitoring session of the shell: an {@link IntervalSession} (a source feeding an
 * aggregator, and a ticker thread that takes a snapshot per interval). What is printed depends on
 * the source: for counts (the tracepoint) each interval's drops are printed as dropwatch lines;
 * for a source that sends alerts (NET_DM) every alert is printed as it arrives, as dropwatch
 * prints it.
 *
 * <p>Threads: the source's reader thread writes the aggregator; the ticker thread
 * ({@code dropscope-ticker}) takes a snapshot per interval and prints; the shell thread, a signal
 * handler or a shutdown hook calls {@link #stop()}, which is idempotent and serialised.
 */
final class Monitor implements AlertListener {
    private final DropwatchLines format;
    private final PacketBlock packets = new PacketBlock(ZoneId.systemDefault());
    private final DropwatchReplies replies;
    private final PrintWriter out;
    private final long alertLimit;
    private final IntervalSession session;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private long alerts;
    private boolean limitReached;
    /** Whether the source prints through this listener: then intervals print nothing. */
    private boolean alerting;

    Monitor(DropSource source, DropwatchLines format, PrintWriter out, long intervalMillis, long alertLimit) {
        this.format = format;
        this.replies = new DropwatchReplies(format);
        this.out = out;
        this.alertLimit = alertLimit;
        this.session = new IntervalSession(source, intervalMillis, 0, (s, last) -> printInterval(s));
    }

    /** Starts the session; a source that sends alerts hands them to this monitor, which prints each. */
    void start() throws SourceException {
        alerting = session.source().alertTo(this);
        session.start();
    }

    /** Blocks until the alert limit is reached or {@link #requestStop()} is called. */
    void awaitStopRequest() throws InterruptedException {
        stopRequested.await();
    }

    /** Asks the session to end; the shell thread then calls {@link #stop()}. Async-safe. */
    void requestStop() {
        stopRequested.countDown();
    }

    /**
     * Stops the kernel side, prints the drops of the last partial interval and releases the
     * source. Idempotent.
     */
    void stop() throws SourceException {
        requestStop();
        session.stop();
    }

    @Override
    public void summary(List<SummaryEntry> entries) {
        synchronized (out) {
            if (!accepting()) {
                return;
            }
            // Like dropwatch, the rest of an alert is printed even after its limit is reached.
            for (String line : replies.summary(entries)) {
                out.println(line);
                countAlert();
            }
            flush();
        }
    }

    @Override
    public void packet(PacketDrop drop) {
        synchronized (out) {
            if (!accepting()) {
                return;
            }
            packets.lines(drop).forEach(out::println);
            countAlert();
            flush();
        }
    }

    /**
     * Alerts that arrive while monitoring is being stopped are printed: the source reads them
     * until its socket is quiet, and each is a drop the kernel reported (dropwatch prints those
     * that come before STOP's acknowledgement and leaves the rest unread). Only the alert limit
     * ends printing early, as it does in dropwatch. Called holding {@code out}.
     */
    private boolean accepting() {
        return !limitReached;
    }

    private void countAlert() {
        alerts++;
        if (alertLimit > 0 && alerts == alertLimit) {
            out.println("Alert limit reached, deactivating!");
            limitReached = true;
            requestStop();
        }
    }

    /**
     * Flushes what was printed; if standard output cannot be written any more (its reader went
     * away, the disk is full), monitoring ends as at the alert limit: nobody sees it, and the
     * kernel side is released. The exit code comes from the shell's end (Failures.output).
     * Called holding {@code out}.
     */
    private void flush() {
        if (out.checkError()) {
            requestStop();
        }
    }

    /** The latest snapshot (totals since start), or {@code null} before the first interval. */
    Snapshot lastSnapshot() {
        return session.lastSnapshot();
    }

    DropSource source() {
        return session.source();
    }

    /** Prints the interval's lines, counting them against the alert limit like dropwatch. */
    private void printInterval(Snapshot snapshot) {
        if (alerting || alertLimit > 0 && alerts >= alertLimit) {
            return;
        }
        List<String> lines = format.lines(snapshot);
        synchronized (out) {
            for (String line : lines) {
                out.println(line);
                alerts++;
                if (alertLimit > 0 && alerts == alertLimit) {
                    out.println("Alert limit reached, deactivating!");
                    requestStop();
                    break;
                }
            }
            flush();
        }
    }
}
