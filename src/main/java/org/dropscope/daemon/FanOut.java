// SPDX-License-Identifier: Apache-2.0
package org.dropscope.daemon;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.dropscope.event.DropEvent;
import org.dropscope.event.DropEventSink;

/**
 * The daemon's one recorder on the source's reader thread: every drop and loss to every
 * subscribed {@link ClientStream}, to the {@link FlightRecorder} if there is one, and the
 * daemon's own totals. Streams join at once
 * ({@link #add}); a stream is ended ({@link #end}) at the end of the next pass, on the reader
 * thread, so that it gets everything the source read before; after the source stopped,
 * {@link #endAll} ends the rest.
 */
final class FanOut implements DropEventSink {
    private final CopyOnWriteArrayList<ClientStream> streams = new CopyOnWriteArrayList<>();
    private final Queue<ClientStream> ending = new ConcurrentLinkedQueue<>();
    /** Set by {@link #endAll()}, under this object's lock. */
    private boolean ended;
    private volatile long drops;
    private volatile long events;
    private volatile long lost;
    /** The flight recorder, or null: set before the source starts. */
    private FlightRecorder recorder;

    /**
     * From any thread: {@code stream} gets every event the reader delivers from now on, and only
     * then is its header released to its client. The header is the client's sign that it is
     * subscribed, so the stream joins first: released before, a pass the client's own traffic
     * caused could run before the stream joined and be missing from it.
     */
    synchronized void add(ClientStream stream) {
        if (ended) {
            // The source has stopped: a stream joining now is whole at once, header and end.
            stream.release();
            stream.finish();
            return;
        }
        streams.add(stream);
        // The reader may write to the stream already; its frames wait behind the header (FrameOutput).
        stream.release();
    }

    /** From any thread: ends {@code stream} at the end of the current or next pass. */
    void end(ClientStream stream) {
        ending.add(stream);
    }

    @Override
    public void drop(DropEvent event) {
        // One writer thread: plain read-modify-write of a volatile is safe.
        drops += event.count();
        events++;
        for (ClientStream s : streams) {
            s.drop(event);
        }
        if (recorder != null) {
            recorder.drop(event);
        }
    }

    @Override
    public void lost(long timeNanos, int cpu, long count) {
        lost += count;
        for (ClientStream s : streams) {
            s.lost(timeNanos, cpu, count);
        }
        if (recorder != null) {
            recorder.lost(timeNanos, cpu, count);
        }
    }

    @Override
    public void endPass() {
        for (ClientStream s : streams) {
            s.endPass();
        }
        if (recorder != null) {
            recorder.endPass();
        }
        endRequested();
    }

    private void endRequested() {
        for (ClientStream s = ending.poll(); s != null; s = ending.poll()) {
            streams.remove(s);
            s.finish();
        }
    }

    /** Once the source has stopped (its reader thread ended): ends every stream, and any that joins later. */
    synchronized void endAll() {
        ended = true;
        endRequested();
        for (ClientStream s : streams) {
            streams.remove(s);
            s.finish();
        }
        if (recorder != null) {
            recorder.close();
        }
    }

    /** Records every drop into {@code r} as well, from the next pass on; call before the source starts. */
    void record(FlightRecorder r) {
        recorder = r;
    }

    /** Streams subscribed now. */
    int streams() {
        return streams.size();
    }

    /** Drops the source delivered since the daemon started. */
    long drops() {
        return drops;
    }

    /** Events (a NET_DM summary entry is one, however many drops it counts). */
    long events() {
        return events;
    }

    /** Events the kernel side lost. */
    long lost() {
        return lost;
    }
}
