// SPDX-License-Identifier: Apache-2.0
package org.dropscope.daemon;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.dropscope.event.DropEvent;
import org.dropscope.event.DropEventSink;
import org.dropscope.names.DropNames;
import org.dropscope.record.RecordHeader;
import org.dropscope.record.RecordWriter;

/**
 * The daemon's flight recorder, a sink of its fan-out on the source's reader thread: it writes the
 * drops into a directory of record files (segments, docs/file-format.md), never gapped, each closed
 * with its end record and a new one opened at a size or age bound; the oldest segments are deleted
 * while they take more than {@link FlightLimits#maxBytes} or once they are older than
 * {@link FlightLimits#retainMillis}. Below a free-space floor it stops recording (one log line) and
 * resumes once space returns (another).
 *
 * <p>What it keeps stays cheap at any drop rate: up to {@link FlightLimits#budget} events a second are
 * written one by one; beyond that, within the second, drops are added up per location and reason
 * ({@link CountedDrops}) and written as counted events at the second's last such drop, so the
 * counts per location, reason and second are always exact ({@link RecordHeader#BUDGET_PROPERTY}).
 *
 * <p>Not thread-safe: the reader thread calls it; {@link #segments()} and {@link #bytes()} may be
 * read from any thread.
 */
final class FlightRecorder implements DropEventSink {
    /** Segment file names: {@code flight-20261207T030000.000Z.dsr}, sorting by time. */
    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("'flight-'yyyyMMdd'T'HHmmss.SSS'Z.dsr'")
            .withZone(ZoneOffset.UTC);
    private static final long NANOS = 1_000_000_000L;
    private static final long HOUSEKEEPING_MILLIS = 1000;

    private final SegmentStore store;
    private final Supplier<RecordHeader> headers;
    private final DropNames names;
    private final LongSupplier clock;
    private final LongSupplier wallMillis;
    private final FlightLimits limits;
    private final Consumer<String> log;
    private final CountedDrops counted = new CountedDrops();
    private RecordWriter writer;
    private String current;
    private long openedMillis;
    private long lastNameMillis = Long.MIN_VALUE;
    private long lastHousekeeping;
    private long second = Long.MIN_VALUE;
    private long secondEvents;
    private long countedTime;
    /** Why recording is stopped ("free space"; a failure), or null while it records. */
    private String stopped;
    private volatile long segments;
    private volatile long bytes;
    private volatile long countedEvents;
    /** Flushes asked for by reports (any thread) and done by the reader thread. */
    private final AtomicLong flushesAsked = new AtomicLong();
    private long flushesDone;

    /**
     * @param store where the segments go
     * @param headers a new segment's header (its clock anchor read now)
     * @param names the daemon's names, for the segments' symbol, stack and name records
     * @param clock the headers' clock, for event times of counted drops and block ages
     * @param wallMillis wall-clock time in milliseconds, for segment names and ages
     * @param log one line per event (stopped, resumed, a failure)
     */
    FlightRecorder(SegmentStore store, Supplier<RecordHeader> headers, DropNames names, LongSupplier clock,
            LongSupplier wallMillis, FlightLimits limits, Consumer<String> log) {
        this.store = store;
        this.headers = headers;
        this.names = names;
        this.clock = clock;
        this.wallMillis = wallMillis;
        this.limits = limits;
        this.log = log;
    }

    /** Applies the retention to what a previous run left and opens the first segment. */
    void start() {
        housekeeping(wallMillis.getAsLong());
    }

    @Override
    public void drop(DropEvent e) {
        if (writer == null) {
            return;
        }
        if (limits.budget() > 0) {
            long s = Math.floorDiv(e.timeNanos(), NANOS);
            if (s != second) {
                drainCounted();
                second = s;
                secondEvents = 0;
            }
            if (secondEvents >= limits.budget()) {
                counted.add(e);
                countedTime = e.timeNanos();
                countedEvents++;
                return;
            }
            secondEvents++;
        }
        writer.drop(e);
    }

    @Override
    public void lost(long timeNanos, int cpu, long count) {
        if (writer != null) {
            writer.lost(timeNanos, cpu, count);
        }
    }

    /** Where the segments are, for reports. */
    SegmentStore store() {
        return store;
    }

    /**
     * Asks the reader thread to write out what it holds at its next pass (a report is about to
     * read the segments); any thread. Returns the ticket {@link #awaitFlush} waits for.
     */
    long askFlush() {
        return flushesAsked.incrementAndGet();
    }

    /** Waits up to {@code millis} until the flush of {@code ticket} is done; whether it was. */
    synchronized boolean awaitFlush(long ticket, long millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000L;
        while (flushesDone < ticket) {
            long left = (end - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    @Override
    public void endPass() {
        long asked = flushesAsked.get();
        if (writer != null && asked != flushesDone) {
            drainCounted();
            writer.flush();
        }
        if (asked != flushesDone) {
            synchronized (this) {
                flushesDone = asked;
                notifyAll();
            }
        }
        long now = wallMillis.getAsLong();
        if (writer != null) {
            if (Math.floorDiv(clock.getAsLong(), NANOS) != second) {
                drainCounted();
            }
            writer.endPass();
            if (writer.failure() != null) {
                stop("cannot write " + current + ": " + writer.failure().getMessage());
            } else if (writer.bytes() >= limits.segmentBytes() || now - openedMillis >= limits.segmentMillis()) {
                closeSegment();
                housekeeping(now);
                return;
            }
        }
        if (now - lastHousekeeping >= HOUSEKEEPING_MILLIS || now < lastHousekeeping) {
            housekeeping(now);
        }
    }

    /** Closes the current segment with its end record; the recorder writes nothing after it. */
    void close() {
        closeSegment();
        stopped = "closed";
        updateTotals();
    }

    /** Segments on disk, as of the last look (about once a second). */
    long segments() {
        return segments;
    }

    /** Their size. */
    long bytes() {
        return bytes;
    }

    /** Events that went over the budget and were written as parts of counted events. */
    long countedEvents() {
        return countedEvents;
    }

    private void drainCounted() {
        counted.drain(writer, countedTime, 0);
    }

    /** Once a second: the floor, the retention, a segment to open. */
    private void housekeeping(long now) {
        lastHousekeeping = now;
        if ("closed".equals(stopped)) {
            return;
        }
        long free;
        long floor;
        try {
            free = store.usableBytes();
            floor = limits.floor(store.totalBytes());
        } catch (IOException e) {
            stop("cannot tell the free space of " + store.where() + ": " + e.getMessage());
            return;
        }
        if (free < floor) {
            if (writer != null || stopped == null) {
                closeSegment();
                stopped = "free space";
                log.accept("flight recorder stopped: " + store.where() + " has " + free + " bytes free, below the"
                        + " floor of " + floor + " (--min-free); the daemon goes on serving");
            }
        } else {
            retain(now);
            if (writer == null) {
                open(now);
            }
        }
        updateTotals();
    }

    private void open(long now) {
        long millis = Math.max(now, lastNameMillis == Long.MIN_VALUE ? now : lastNameMillis + 1);
        String name = NAME.format(Instant.ofEpochMilli(millis));
        try {
            OutputStream out = store.create(name);
            try {
                writer = new RecordWriter(out, headers.get(), names, RecordWriter.Limits.DEFAULT, clock);
            } catch (IOException e) {
                out.close();
                throw e;
            }
        } catch (IOException e) {
            stop("cannot create " + name + " in " + store.where() + ": " + e.getMessage());
            return;
        }
        lastNameMillis = millis;
        current = name;
        openedMillis = now;
        second = Long.MIN_VALUE;
        if (stopped != null) {
            log.accept("flight recorder resumed in " + store.where() + " (" + name + ")");
            stopped = null;
        }
    }

    /** Stops recording for a failure: logged once; the next housekeeping tries again. */
    private void stop(String why) {
        closeSegment();
        if (stopped == null) {
            log.accept("flight recorder stopped: " + why + "; the daemon goes on serving and tries again each"
                    + " second");
        }
        stopped = why;
    }

    private void closeSegment() {
        if (writer == null) {
            return;
        }
        RecordWriter w = writer;
        writer = null;
        counted.drain(w, countedTime, 0);
        try {
            w.close();
        } catch (IOException e) {
            log.accept("flight recorder: cannot finish " + current + ": " + e.getMessage());
        }
    }

    /** Deletes the oldest closed segments while they take too much or are too old. */
    private void retain(long now) {
        List<SegmentStore.Segment> list;
        try {
            list = store.list();
        } catch (IOException e) {
            log.accept("flight recorder: cannot list " + store.where() + ": " + e.getMessage());
            return;
        }
        long total = total(list);
        // A segment's drops end where the next one starts; the newest (open or not) is never deleted.
        for (int i = 0; i < list.size() - 1; i++) {
            SegmentStore.Segment s = list.get(i);
            long end = startMillis(list.get(i + 1).name());
            boolean old = end != Long.MIN_VALUE && now - end > limits.retainMillis();
            if (!old && total <= limits.maxBytes()) {
                break;
            }
            if (s.name().equals(current)) {
                break;
            }
            try {
                store.delete(s.name());
                total -= s.bytes();
            } catch (IOException e) {
                log.accept("flight recorder: cannot delete " + s.name() + ": " + e.getMessage());
                return;
            }
        }
    }

    private void updateTotals() {
        try {
            List<SegmentStore.Segment> list = store.list();
            segments = list.size();
            bytes = total(list);
        } catch (IOException e) {
            // STATUS keeps the last totals; retain() says when listing fails.
        }
    }

    private static long total(List<SegmentStore.Segment> list) {
        long total = 0;
        for (SegmentStore.Segment s : list) {
            total += s.bytes();
        }
        return total;
    }

    /** {@link RecordHeader#BUDGET_PROPERTY}'s value for a budget of {@code budget} events a second. */
    static String budgetText(long budget) {
        return budget + " events/s one by one: beyond that within a second, drops are counted per location and"
                + " reason and written as events of their count, at the second's last such drop, without stacks";
    }

    /** The wall-clock start a segment's name says, or {@code Long.MIN_VALUE} for a name not the recorder's. */
    static long startMillis(String name) {
        try {
            return Instant.from(NAME.parse(name)).toEpochMilli();
        } catch (DateTimeParseException e) {
            return Long.MIN_VALUE;
        }
    }
}
