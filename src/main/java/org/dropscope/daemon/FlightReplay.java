// SPDX-License-Identifier: Apache-2.0
package org.dropscope.daemon;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;
import org.dropscope.event.DropEvent;
import org.dropscope.event.DropSink;
import org.dropscope.record.RecordFormatException;
import org.dropscope.record.RecordHeader;
import org.dropscope.record.RecordReader;
import org.dropscope.record.RecordVisitor;

/**
 * The answer to REPORT: the flight recorder's drops and losses in a time range, read from its
 * segments with the one {@link RecordReader} and written again into a client's {@link ClientStream},
 * so that a client that is not root gets made-up addresses as on a live stream. It runs on the
 * client's own thread and waits for room in its queue instead of leaving gaps. A segment is read up
 * to its damage, or to its last whole block (the one being written).
 */
final class FlightReplay {
    private static final long ROOM_WAIT_MILLIS = 60_000;

    private FlightReplay() {
    }

    /**
     * Writes the segments' events from {@code sinceEpochNanos} (included) to {@code untilEpochNanos}
     * (excluded) into {@code stream}, their times moved to the stream's clock.
     *
     * @param streamToEpoch what the stream's header adds to an event time to get nanoseconds since the epoch
     * @param run this daemon run ({@link RecordHeader#RUN_PROPERTY}): other runs' stack ids mean other
     *     stacks, so their drops go without one
     * @throws IOException the client's queue had no room for a minute
     */
    static void replay(SegmentStore store, long sinceEpochNanos, long untilEpochNanos, ClientStream stream,
            ClientQueue queue, long streamToEpoch, String run) throws IOException {
        List<SegmentStore.Segment> segments = store.list();
        for (int i = 0; i < segments.size(); i++) {
            long start = FlightRecorder.startMillis(segments.get(i).name());
            long next = i + 1 < segments.size() ? FlightRecorder.startMillis(segments.get(i + 1).name()) : Long.MAX_VALUE;
            // A segment holds the drops from its start to its successor's start.
            if (next != Long.MAX_VALUE && next * 1_000_000L < sinceEpochNanos
                    || start != Long.MIN_VALUE && start / 1000 > untilEpochNanos / 1_000_000_000L) {
                continue;
            }
            try (InputStream in = new BufferedInputStream(store.open(segments.get(i).name()), 1 << 16)) {
                RecordReader reader = new RecordReader(in);
                RecordHeader h = reader.header();
                long shift = h.clock().toEpochNanos(0) - streamToEpoch;
                boolean ownStacks = Objects.equals(run, h.properties().get(RecordHeader.RUN_PROPERTY));
                reader.read(new Copy(stream, queue, sinceEpochNanos, untilEpochNanos, shift, streamToEpoch, ownStacks));
            } catch (RecordFormatException e) {
                // Nothing whole in it (begun as the daemon was killed): nothing to send.
            } catch (UncheckedIOException e) {
                throw e.getCause();
            } catch (IOException e) {
                // A segment deleted meanwhile, or unreadable: the others go on.
            }
        }
    }

    /** The client did not read for a minute. */
    private static final class RoomTimeout extends IOException {
        private static final long serialVersionUID = 1L;

        RoomTimeout() {
            super("the client read nothing for " + ROOM_WAIT_MILLIS + " ms");
        }
    }

    /** One segment's events into the stream. */
    private static final class Copy implements RecordVisitor {
        private final ClientStream stream;
        private final ClientQueue queue;
        private final long since;
        private final long until;
        private final long shift;
        private final long toEpoch;
        private final boolean ownStacks;
        private final DropEvent moved = new DropEvent();

        Copy(ClientStream stream, ClientQueue queue, long since, long until, long shift, long toEpoch,
                boolean ownStacks) {
            this.stream = stream;
            this.queue = queue;
            this.since = since;
            this.until = until;
            this.shift = shift;
            this.toEpoch = toEpoch;
            this.ownStacks = ownStacks;
        }

        private boolean wanted(long streamTime) {
            long epoch = streamTime + toEpoch;
            return epoch >= since && epoch < until;
        }

        private void awaitRoom() {
            long end = System.nanoTime() + ROOM_WAIT_MILLIS * 1_000_000L;
            while (!queue.hasRoom(ClientStream.BLOCK_ROOM)) {
                if (System.nanoTime() > end) {
                    throw new UncheckedIOException(new RoomTimeout());
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new UncheckedIOException(new RoomTimeout());
                }
            }
        }

        @Override
        public void drop(DropEvent e) {
            long t = e.timeNanos() + shift;
            if (!wanted(t)) {
                return;
            }
            awaitRoom();
            stream.drop(moved.set(t, e.cpu(), e.origin(), e.location(), e.reason(),
                    ownStacks ? e.stackId() : DropSink.NO_STACK, e.count())
                    .packet(e.protocol(), e.ifindex(), e.originalLength()));
        }

        @Override
        public void lost(long timeNanos, int cpu, long count) {
            long t = timeNanos + shift;
            if (wanted(t)) {
                awaitRoom();
                stream.lost(t, cpu, count);
            }
        }
    }
}
