// SPDX-License-Identifier: Apache-2.0
package org.dropscope.shell;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.dropscope.aggregate.DropAggregator;
import org.dropscope.event.DropOrigin;
import org.dropscope.event.DropSink;
import org.dropscope.ksym.Symbolizer;
import org.dropscope.names.DropNames;
import org.dropscope.source.DropSource;
import org.dropscope.source.LiveNames;

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
    public DropNames names() {
        return DropNames.ofReasons(code -> code == 3 ? "NO_SOCKET" : null);
    }

    /**
     * The shell's live names over a kallsyms in which {@code pc} is {@code __udp4_lib_rcv+9a2} (a
     * function of 0xe60 bytes), with the opened source's reasons.
     */
    static Function<DropSource, DropNames> udpNames(long pc) {
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

    @Override
    public int cpus() {
        return 2;
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
