// SPDX-License-Identifier: Apache-2.0
package org.dropscope.bench;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dropscope.aggregate.DropAggregator;
import org.dropscope.event.DropOrigin;
import org.dropscope.event.DropSink;
import org.dropscope.ksym.Symbolizer;
import org.dropscope.names.DropNames;
import org.dropscope.source.LiveNames;
import org.dropscope.tracefs.DropReasons;
import org.dropscope.view.DropwatchLines;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The once-per-interval work of the shell's ticker thread: {@code DropAggregator.snapshot()} and
 * {@code DropwatchLines.lines()}, which names each distinct location through the
 * {@link Symbolizer} (the product's symbolization). Each invocation closes an interval in which
 * {@code locations} distinct drop sites had drops; divide by the events of an interval (for
 * example 320k at 320k drops/s and the default 1 s interval) for a per-event share.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class IntervalBenchmark {
    @Param({"2", "200"})
    public int locations;

    private DropAggregator aggregator;
    private DropSink writer;
    private DropwatchLines lines;
    private long[] pcs;

    @Setup(Level.Trial)
    public void setUp() {
        Symbolizer symbolizer = BenchFixtures.symbolizer();
        DropReasons reasons = BenchFixtures.reasons();
        lines = new DropwatchLines(new LiveNames(symbolizer, DropNames.ofReasons(reasons::name), null));
        aggregator = new DropAggregator(2, 1 << 16, 1 << 14);
        writer = aggregator.newWriter();
        // Distinct text symbols spread over the table, one drop site in each.
        int step = symbolizer.table().size() / locations;
        pcs = new long[locations];
        for (int i = 0; i < locations; i++) {
            pcs[i] = symbolizer.table().address(i * step) + 1;
        }
    }

    @Benchmark
    public List<String> snapshotAndLines() {
        writer.begin();
        for (int i = 0; i < pcs.length; i++) {
            writer.drop(1, DropOrigin.SOFTWARE, pcs[i], 3, DropSink.NO_STACK, 100);
        }
        writer.end();
        return lines.lines(aggregator.snapshot());
    }
}
