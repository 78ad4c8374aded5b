// SPDX-License-Identifier: Apache-2.0
package org.dropscope.daemon;

import java.util.Map;
import org.dropscope.aggregate.DropAggregator;
import org.dropscope.event.DropEvent;
import org.dropscope.event.DropEventSink;
import org.dropscope.event.DropOrigin;
import org.dropscope.event.DropSink;
import org.dropscope.names.DropNames;
import org.dropscope.record.SourceKind;
import org.dropscope.source.DropSource;
import org.dropscope.source.EventClock;
import org.dropscope.source.SourceFacts;

/**
 * A recording source without a kernel, for the daemon: a test hands it drops to deliver, and each
 * {@link #pass} (or {@link #flush()}, as the daemon calls it) delivers them to the recorder and
 * ends the pass, as a reader thread's pass would. Passes are serialised, as on one reader thread.
 */
final class ScriptedSource implements DropSource {
    static final long PC = 0xffffffff81c3a9a2L;
    static final int REASON = 3;
    private final DropEvent event = new DropEvent();
    private DropEventSink recorder;
    private long pending;
    private long time;
    volatile boolean started;
    volatile boolean stopped;

    @Override
    public String description() {
        return "scripted source, 2 CPUs";
    }

    @Override
    public DropNames names() {
        return DropNames.ofReasons(code -> code == REASON ? "NO_SOCKET" : null);
    }

    @Override
    public int cpus() {
        return 2;
    }

    @Override
    public SourceFacts facts() {
        return new SourceFacts(SourceKind.TRACEPOINT, description(), 2, EventClock.CLOCK_MONOTONIC, null, Map.of());
    }

    @Override
    public boolean recordTo(DropEventSink events) {
        recorder = events;
        return true;
    }

    @Override
    public void start(DropAggregator aggregator) {
        started = true;
    }

    /** Drops for the next pass, one event each. */
    synchronized void add(long drops) {
        pending += drops;
    }

    /** One pass: the pending drops as events, then the end of the pass. */
    synchronized void pass() {
        for (; pending > 0; pending--) {
            recorder.drop(event.set(++time, (int) (time & 1), DropOrigin.SOFTWARE, PC, REASON, DropSink.NO_STACK, 1));
        }
        recorder.endPass();
    }

    @Override
    public void flush() {
        if (started && !stopped) {
            pass();
        }
    }

    @Override
    public void stop() {
        if (started && !stopped) {
            pass();
        }
        stopped = true;
    }

    @Override
    public Map<String, Long> counters() {
        return Map.of();
    }

    @Override
    public void close() {
        stopped = true;
    }
}
