// SPDX-License-Identifier: Apache-2.0
package org.dropscope.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.dropscope.ksym.SymbolTable;
import org.dropscope.ksym.Symbolizer;
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
 * Symbol lookups over the committed 6.18 kallsyms snapshot (about 120k text symbols).
 * {@code indexOf} is the allocation-free binary search; {@code dropwatch} is what the view calls
 * per printed line ({@code Symbolizer.dropwatch}, cached per PC after the first call).
 *
 * <p>{@code pcs}: {@code hot} cycles over the two drop sites of the captured images, as a
 * steady drop stream would; {@code random} over 4096 PCs inside random text symbols.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class SymbolLookupBenchmark {
    private static final int MASK = 4095;

    @Param({"hot", "random"})
    public String pcs;

    private SymbolTable table;
    private Symbolizer symbolizer;
    private long[] pc;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        symbolizer = BenchFixtures.symbolizer();
        table = symbolizer.table();
        pc = new long[MASK + 1];
        SplittableRandom random = new SplittableRandom(42);
        // The drop sites of the captured ring images (see their .md sidecars).
        long[] hot = {address("__udp4_lib_rcv") + 0x4bc, address("udp_queue_rcv_one_skb") + 0x437};
        for (int i = 0; i < pc.length; i++) {
            if (pcs.equals("hot")) {
                pc[i] = hot[i & 1];
            } else {
                int idx = random.nextInt(table.size());
                pc[i] = table.address(idx) + random.nextLong(table.size(idx));
            }
        }
    }

    private long address(String name) {
        for (int i = 0; i < table.size(); i++) {
            if (table.name(i).equals(name)) {
                return table.address(i);
            }
        }
        throw new IllegalStateException(name + " not in the kallsyms snapshot");
    }

    @Benchmark
    public int indexOf() {
        return table.indexOf(pc[next++ & MASK]);
    }

    @Benchmark
    public String dropwatch() {
        return symbolizer.dropwatch(pc[next++ & MASK]);
    }
}
