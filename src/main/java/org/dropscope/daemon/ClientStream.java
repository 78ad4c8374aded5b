// SPDX-License-Identifier: Apache-2.0
package org.dropscope.daemon;

import java.io.IOException;
import java.util.function.LongSupplier;
import org.dropscope.daemon.wire.Message;
import org.dropscope.event.DropEvent;
import org.dropscope.event.DropEventSink;
import org.dropscope.names.DropNames;
import org.dropscope.record.RecordHeader;
import org.dropscope.record.RecordWriter;

/**
 * One client's event stream, on the source's reader thread: a {@link RecordWriter} whose blocks
 * go as STREAM frames into the client's {@link ClientQueue}. It never waits for the client: while
 * the queue has no room for another block, drops are counted instead of written, and once there
 * is room again the stream gets a lost record of those events on the {@linkplain #gapCpu gap
 * CPU} (a CPU id the daemon's source does not have, so that a client tells a gap from the kernel's
 * losses) and the queue a GAP frame with the events and drops missed.
 *
 * <p>Not thread-safe: the reader thread calls it until {@link FanOut} removes it; after the source
 * stopped, the thread that stopped it.
 */
final class ClientStream implements DropEventSink {
    /**
     * Room a write may need in the queue: one record block (at most 1 MiB, RecordWriter's) cut into
     * frames, with their headers.
     */
    static final long BLOCK_ROOM = (1 << 20) + (16 << 10);
    /**
     * A block is written out at the end of the first pass that finds it 100 ms old, so that a
     * viewer sees drops within a pass or two ({@link Daemon#PACE_MILLIS}).
     */
    static final RecordWriter.Limits LIMITS = new RecordWriter.Limits(4096, 100_000_000L);

    private final RecordWriter writer;
    /** Made-up addresses for a client that is not root, or null. */
    private final HiddenAddresses hidden;
    private final FrameOutput output;
    private final ClientQueue queue;
    private final int gapCpu;
    private final LongSupplier clock;
    /**
     * Missed since the last GAP (volatile: STATUS reads them from another thread; written only
     * while the client is behind); kernel losses met meanwhile, written with the gap.
     */
    private volatile long gapEvents;
    private volatile long gapDrops;
    private long heldLost;
    private volatile long gapEventsTotal;
    private volatile long gapDropsTotal;
    private volatile long gaps;
    private boolean finished;

    /**
     * Writes the stream's header, held back until {@link #release()}.
     *
     * @param header the stream's header: the daemon's source, with {@code gapCpu} among its CPUs
     * @param names the daemon's names of locations, stacks, reasons and traps
     * @param realAddresses whether the client may see kernel addresses (root); otherwise the
     *     stream's addresses are made up ({@link HiddenAddresses})
     * @param gapCpu the CPU id of gap lost records
     * @param clock the header's clock
     */
    ClientStream(RecordHeader header, DropNames names, boolean realAddresses, ClientQueue queue, int gapCpu,
            LongSupplier clock) throws IOException {
        this.hidden = realAddresses ? null : new HiddenAddresses(names);
        this.queue = queue;
        this.gapCpu = gapCpu;
        this.clock = clock;
        this.output = new FrameOutput(queue);
        this.writer = new RecordWriter(output, header, hidden == null ? names : hidden, LIMITS, clock);
    }

    /** Lets the header and what followed go to the queue: once the stream gets the source's events. */
    void release() {
        output.release();
    }

    @Override
    public void drop(DropEvent event) {
        if (!room()) {
            gapEvents++;
            gapDrops += event.count();
            return;
        }
        writer.drop(hidden == null ? event : hidden.hide(event));
    }

    @Override
    public void lost(long timeNanos, int cpu, long count) {
        if (!room()) {
            heldLost += count;
            return;
        }
        writer.lost(timeNanos, cpu, count);
    }

    @Override
    public void endPass() {
        room();
        writer.endPass();
    }

    /**
     * Whether a write fits; ends a pending gap first when it does (its lost record, then GAP).
     */
    private boolean room() {
        if (!queue.hasRoom(BLOCK_ROOM)) {
            return false;
        }
        if (gapEvents > 0 || heldLost > 0) {
            closeGap();
        }
        return true;
    }

    private void closeGap() {
        long now = clock.getAsLong();
        if (heldLost > 0) {
            writer.lost(now, 0, heldLost);
            heldLost = 0;
        }
        if (gapEvents > 0) {
            writer.lost(now, gapCpu, gapEvents);
            queue.add(new Message.Gap(gapEvents, gapDrops));
            gapEventsTotal += gapEvents;
            gapDropsTotal += gapDrops;
            gaps++;
            gapEvents = 0;
            gapDrops = 0;
        }
    }

    /**
     * Ends the stream: a pending gap (whatever the queue holds), then the end record. Later calls
     * do nothing.
     */
    void finish() {
        if (finished) {
            return;
        }
        finished = true;
        closeGap();
        try {
            writer.close();
        } catch (IOException e) {
            // FrameOutput never fails.
            throw new IllegalStateException(e);
        }
    }

    /** Events this client missed because its queue was full, in all gaps so far, the open one included. */
    long gapEvents() {
        return gapEventsTotal + gapEvents;
    }

    /** The drops those events stand for. */
    long gapDrops() {
        return gapDropsTotal + gapDrops;
    }

    /** Gaps closed so far (GAP frames sent). */
    long gaps() {
        return gaps;
    }

    /** Drops written to the stream. */
    long drops() {
        return writer.drops();
    }
}
