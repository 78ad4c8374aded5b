// SPDX-License-Identifier: Apache-2.0
package org.dropscope.bench;

import java.util.concurrent.TimeUnit;
import org.dropscope.aggregate.DropAggregator;
import org.dropscope.event.DropOrigin;
import org.dropscope.event.DropSink;
import org.dropscope.ksym.SymbolTable;
import org.dropscope.perf.PerfConstants;
import org.dropscope.perf.PerfRing;
import org.dropscope.perf.SampleFormat;
import org.dropscope.source.tracepoint.KfreeSkbDecoder;
import org.dropscope.tracefs.KfreeSkbLayout;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The reader thread's per-event work over a ring image captured from a 6.18 kernel: PerfRing
 * drain, KfreeSkbDecoder, and counting into a DropAggregator writer, one batch per ring lap, as
 * {@code RingReader}'s pass over each CPU's ring does. One invocation is one lap of the image; the
 * {@code events} counter gives events per second.
 *
 * <p>{@code decodeAggregate} is what the product does per event: it names locations later, once
 * per distinct location per interval (see {@link IntervalBenchmark}). {@code
 * decodeSymbolizeAggregate} also resolves every event's location to a symbol-table index before
 * counting it (the per-event reading of "decode + symbolize + aggregate").
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class HotPathBenchmark {
    /** Which fixture: kfree_skb-6.18-{image}.bin. */
    @Param({"udp-raw", "udp-callchain"})
    public String image;

    private RingReplay replay;
    private PerfRing ring;
    private KfreeSkbDecoder decoder;
    private DropSink writer;
    private DropSink indexingWriter;

    /** Events handled, reported by JMH as events/s. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Events {
        public long events;
    }

    @Setup(Level.Trial)
    public void setUp() {
        KfreeSkbLayout layout = BenchFixtures.layout();
        long sampleType = PerfConstants.PERF_SAMPLE_RAW;
        if (image.contains("callchain")) {
            sampleType |= PerfConstants.PERF_SAMPLE_CALLCHAIN;
        }
        // Sized as the shell's Monitor sizes it.
        DropAggregator aggregator = new DropAggregator(2, 1 << 16, 1 << 14);
        decoder = new KfreeSkbDecoder(KfreeSkbDecoder.Config.of(new SampleFormat(sampleType), layout)
                .withStacks(aggregator.stacks()));
        writer = aggregator.newWriter();
        indexingWriter = new IndexingSink(BenchFixtures.symbolTable(), aggregator.newWriter());
        replay = new RingReplay(BenchFixtures.ringImage(image));
        ring = new PerfRing(replay.mapping(), RingReplay.PAGE);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        ring.close();
        if (decoder.malformed() != 0 || ring.corrupt() != 0) {
            throw new IllegalStateException("malformed " + decoder.malformed() + ", corrupt " + ring.corrupt());
        }
    }

    @Benchmark
    public int decodeAggregate(Events counter) {
        return lap(writer, counter);
    }

    @Benchmark
    public int decodeSymbolizeAggregate(Events counter) {
        return lap(indexingWriter, counter);
    }

    private int lap(DropSink sink, Events counter) {
        replay.lap();
        sink.begin();
        int consumed;
        try {
            decoder.bind(1, sink);
            consumed = ring.drain(decoder, replay.dataSize());
        } finally {
            sink.end();
        }
        counter.events += replay.samples();
        return consumed;
    }

    /**
     * Counts per symbol instead of per PC: resolves each location to its index in the sorted
     * symbol table (a binary search, no allocation) and counts under that index.
     */
    static final class IndexingSink implements DropSink {
        private final SymbolTable table;
        private final DropSink next;

        IndexingSink(SymbolTable table, DropSink next) {
            this.table = table;
            this.next = next;
        }

        @Override
        public void begin() {
            next.begin();
        }

        @Override
        public void drop(int cpu, DropOrigin origin, long location, int reason, int stackId, long count) {
            next.drop(cpu, origin, table.indexOf(location), reason, stackId, count);
        }

        @Override
        public void lost(int cpu, long count) {
            next.lost(cpu, count);
        }

        @Override
        public void end() {
            next.end();
        }
    }
}
