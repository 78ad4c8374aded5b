// SPDX-License-Identifier: Apache-2.0
package org.dropscope.testing;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.dropscope.aggregate.DropAggregator;
import org.dropscope.event.AlertListener;
import org.dropscope.event.DropOrigin;
import org.dropscope.event.DropSink;
import org.dropscope.ksym.Symbolizer;
import org.dropscope.names.DropNames;
import org.dropscope.record.SourceKind;
import org.dropscope.source.DropSource;
import org.dropscope.source.EventClock;
import org.dropscope.source.LiveNames;
import org.dropscope.source.SourceException;
import org.dropscope.source.SourceFacts;

/**
 * A {@link DropSource} without a kernel, for tests of what drives a source (the shell, interval
 * sessions). It writes the drops it is given in one batch when started, and in another when
 * stopped (what a kernel still held when stop was asked for), may fail to stop, may send alerts
 * as NET_DM does (from a reader thread, after its start batch), and counts how often it was
 * started, stopped and closed.
 */
public final class FakeSource implements DropSource {
    /** Where the shell tests' source drops: {@code __udp4_lib_rcv+0x9a2} in the committed kallsyms snapshot. */
    public static final long PC = 0xffffffff81c3a9a2L;
    /** SKB_DROP_REASON_NO_SOCKET's code. */
    public static final int NO_SOCKET = 3;
    public final AtomicInteger starts = new AtomicInteger();
    public final AtomicInteger stops = new AtomicInteger();
    public final AtomicInteger closes = new AtomicInteger();
    private final String description;
    private final int cpus;
    private final List<Consumer<DropSink>> atStart = new ArrayList<>();
    private final List<Consumer<DropSink>> atStop = new ArrayList<>();
    private final Map<String, Long> counters = new LinkedHashMap<>();
    private SourceKind kind = SourceKind.TRACEPOINT;
    private EventClock clock = EventClock.CLOCK_MONOTONIC;
    private DropNames names = DropNames.NONE;
    private String stopFailure;
    private Consumer<AlertListener> alertScript;
    private AlertListener alerts;
    private DropSink writer;

    /** A tracepoint-like source of {@code cpus} CPUs that writes nothing until told to. */
    public FakeSource(String description, int cpus) {
        this.description = description;
        this.cpus = cpus;
    }

    /** {@link #FakeSource(long, long, long)} with 4 lost at stop. */
    public FakeSource(long drops, long extraOnStop) {
        this(drops, extraOnStop, 4);
    }

    /**
     * The shell tests' tracepoint source, "fake" on 2 CPUs: {@code drops} NO_SOCKET drops at
     * {@link #PC} on CPU 1 at start; at stop {@code extraOnStop} more at {@code PC + 0x10} on
     * CPU 0, then {@code lostOnStop} lost; a "malformed samples" counter of 0.
     */
    public FakeSource(long drops, long extraOnStop, long lostOnStop) {
        this("fake", 2);
        reasons(code -> code == NO_SOCKET ? "NO_SOCKET" : null);
        dropsAtStart(1, PC, NO_SOCKET, drops);
        dropsAtStop(0, PC + 0x10, NO_SOCKET, extraOnStop);
        lostAtStop(0, lostOnStop);
        counter("malformed samples", 0);
    }

    /** What {@link #facts()} says the source is, and the clock of its times. */
    public FakeSource kind(SourceKind sourceKind, EventClock eventClock) {
        this.kind = sourceKind;
        this.clock = eventClock;
        return this;
    }

    /** The names of the reason codes it writes. */
    public FakeSource reasons(IntFunction<String> reasons) {
        this.names = DropNames.ofReasons(reasons);
        return this;
    }

    /**
     * The shell's live names over a kallsyms in which {@code pc} is {@code __udp4_lib_rcv+9a2} (a
     * function of 0xe60 bytes), with the opened source's reasons.
     */
    public static Function<DropSource, DropNames> udpNames(long pc) {
        long start = pc - 0x9a2;
        String kallsyms = Long.toHexString(start) + " T __udp4_lib_rcv\n" + Long.toHexString(start + 0xe60)
                + " T udp_v4_early_demux\n";
        try {
            Symbolizer symbols = new Symbolizer(() -> new StringReader(kallsyms), () -> null);
            return source -> new LiveNames(symbols, source.names(), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Software drops written at start: {@code count} at {@code pc} for {@code reason} on {@code cpu}. */
    public FakeSource dropsAtStart(int cpu, long pc, int reason, long count) {
        atStart.add(w -> w.drop(cpu, DropOrigin.SOFTWARE, pc, reason, DropSink.NO_STACK, count));
        return this;
    }

    /** Software drops written while stopping, after the ones of the calls before. */
    public FakeSource dropsAtStop(int cpu, long pc, int reason, long count) {
        atStop.add(w -> w.drop(cpu, DropOrigin.SOFTWARE, pc, reason, DropSink.NO_STACK, count));
        return this;
    }

    /** Lost events written while stopping, after the drops of the calls before. */
    public FakeSource lostAtStop(int cpu, long count) {
        atStop.add(w -> w.lost(cpu, count));
        return this;
    }

    /** A counter {@link #counters()} shows, in the order added. */
    public FakeSource counter(String name, long value) {
        counters.put(name, value);
        return this;
    }

    /** Stop writes its drops, then fails with {@code message} (a system error). */
    public FakeSource failingStop(String message) {
        this.stopFailure = message;
        return this;
    }

    /**
     * Makes this an alerting source: {@link #alertTo} takes a listener, and start runs
     * {@code script} with it on a reader thread, after the start batch, as NET_DM's reader does.
     */
    public FakeSource alerting(Consumer<AlertListener> script) {
        this.alertScript = script;
        return this;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public DropNames names() {
        return names;
    }

    @Override
    public int cpus() {
        return cpus;
    }

    @Override
    public SourceFacts facts() {
        return new SourceFacts(kind, description, cpus, clock, null, Map.of());
    }

    @Override
    public boolean alertTo(AlertListener listener) {
        if (alertScript == null) {
            return false;
        }
        alerts = listener;
        return true;
    }

    @Override
    public void start(DropAggregator aggregator) {
        starts.incrementAndGet();
        writer = aggregator.newWriter();
        if (alertScript == null) {
            write(atStart);
            return;
        }
        if (alerts == null) {
            throw new AssertionError("an alert source gets its listener before start");
        }
        new Thread(() -> {
            write(atStart);
            alertScript.accept(alerts);
        }).start();
    }

    @Override
    public void stop() throws SourceException {
        stops.incrementAndGet();
        // Drops still in the kernel's buffers when stop is asked for must be delivered.
        write(atStop);
        if (stopFailure != null) {
            throw new SourceException(SourceException.Kind.SYSTEM, stopFailure);
        }
    }

    private void write(List<Consumer<DropSink>> batch) {
        if (batch.isEmpty()) {
            return;
        }
        writer.begin();
        batch.forEach(entry -> entry.accept(writer));
        writer.end();
    }

    @Override
    public Map<String, Long> counters() {
        return new LinkedHashMap<>(counters);
    }

    @Override
    public void close() {
        closes.incrementAndGet();
    }
}
