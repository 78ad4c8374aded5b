// SPDX-License-Identifier: Apache-2.0
package org.dropscope.bench;

import java.util.concurrent.TimeUnit;
import org.dropscope.aggregate.DropAggregator;
import org.dropscope.aggregate.Snapshot;
import org.dropscope.event.DropOrigin;
import org.dropscope.event.DropSink;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * DropAggregator alone: a writer counting batches of {@value #BATCH} drops, with and without a
 * second thread taking snapshots as fast as it can (group {@code rw}: the phase flips the writer
 * must get through). Scores are per drop for the writer (ns/op with {@code -bm avgt}, or ops/s)
 * and per snapshot for the reader.
 *
 * <p>{@code keys} distinct (location, reason) keys are counted round-robin: with 1 every drop
 * hits the writer's one-entry cache, with more every drop probes the key table.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class AggregatorBenchmark {
    static final int BATCH = 1024;
    private static final long BASE = 0xffffffff82046a90L;

    @Param({"1", "64"})
    public int keys;

    private DropAggregator aggregator;
    private DropSink writer;
    private long[] locations;
    private int[] reasons;

    @Setup(Level.Trial)
    public void setUp() {
        aggregator = new DropAggregator(2, 1 << 16, 1 << 14);
        writer = aggregator.newWriter();
        locations = new long[BATCH];
        reasons = new int[BATCH];
        for (int i = 0; i < BATCH; i++) {
            int k = i % keys;
            locations[i] = BASE + 0x40L * k;
            reasons[i] = 2 + (k & 7);
        }
    }

    private void batch() {
        DropSink w = writer;
        w.begin();
        try {
            for (int i = 0; i < BATCH; i++) {
                w.drop(1, DropOrigin.SOFTWARE, locations[i], reasons[i], DropSink.NO_STACK, 1);
            }
        } finally {
            w.end();
        }
    }

    @Benchmark
    @Group("w")
    @GroupThreads(1)
    @OperationsPerInvocation(BATCH)
    public void writerAlone() {
        batch();
    }

    @Benchmark
    @Group("rw")
    @GroupThreads(1)
    @OperationsPerInvocation(BATCH)
    public void writer() {
        batch();
    }

    @Benchmark
    @Group("rw")
    @GroupThreads(1)
    public Snapshot reader() {
        return aggregator.snapshot();
    }
}
