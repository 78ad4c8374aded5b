// SPDX-License-Identifier: Apache-2.0
package org.dropscope.shell;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.dropscope.aggregate.DropAggregator;
import org.dropscope.event.DropOrigin;
import org.dropscope.event.DropSink;
import org.dropscope.event.ReasonNames;
import org.dropscope.record.SourceKind;
import org.dropscope.source.DropSource;
import org.dropscope.source.EventClock;
import org.dropscope.source.SourceFacts;

/** A source that writes a fixed set of drops at start and tracks its lifecycle. */
final class FakeSource implements DropSource {
    static final long PC = 0xffffffff81c3a9a2L;
    final AtomicInteger starts = new AtomicInteger();
    final AtomicInteger stops = new AtomicInteger();
    final AtomicInteger closes = new AtomicInteger();
    private final long drops;
    private final long extraOnStop;
    private final long lostOnStop;
    private DropSink writer;

    FakeSource(long drops, long extraOnStop) {
        this(drops, extraOnStop, 4);
    }

    FakeSource(long drops, long extraOnStop, long lostOnStop) {
        this.drops = drops;
        this.extraOnStop = extraOnStop;
        this.lostOnStop = lostOnStop;
    }

    @Override
    public String description() {
        return "fake";
    }

    @Override
    public ReasonNames reasons() {
        return code -> code == 3 ? "NO_SOCKET" : null;
    }

    @Override
    public int cpus() {
        return 2;
    }

    @Override
    public SourceFacts facts() {
        return new SourceFacts(SourceKind.TRACEPOINT, description(), cpus(), EventClock.CLOCK_MONOTONIC, null, Map.of());
    }

    @Override
    public void start(DropAggregator aggregator) {
        starts.incrementAndGet();
        writer = aggregator.newWriter();
        writer.begin();
        writer.drop(1, DropOrigin.SOFTWARE, PC, 3, DropSink.NO_STACK, drops);
        writer.end();
    }

    @Override
    public void stop() {
        stops.incrementAndGet();
        // Drops still in the kernel's buffers when stop is asked for must be delivered.
        writer.begin();
        writer.drop(0, DropOrigin.SOFTWARE, PC + 0x10, 3, DropSink.NO_STACK, extraOnStop);
        writer.lost(0, lostOnStop);
        writer.end();
    }

    @Override
    public Map<String, Long> counters() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("malformed samples", 0L);
        return m;
    }

    @Override
    public void close() {
        closes.incrementAndGet();
    }
}
