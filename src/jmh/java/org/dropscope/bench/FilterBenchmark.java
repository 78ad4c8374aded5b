// SPDX-License-Identifier: Apache-2.0
package org.dropscope.bench;

import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.dropscope.event.DropEvent;
import org.dropscope.event.DropOrigin;
import org.dropscope.event.DropSink;
import org.dropscope.filter.DropFilter;
import org.dropscope.filter.FilterException;
import org.dropscope.filter.FilterParser;
import org.dropscope.names.DropNames;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * {@link DropFilter#test} alone, nanoseconds per event, as the reader thread calls it: over
 * {@value #EVENTS} events from two drop sites and two reasons, in runs of 8 equal events (drops
 * come in bursts from one place). {@code filter}:
 * <ul>
 *   <li>{@code pair}: {@code reason == NO_SOCKET && symbol =~ __udp*} (RecordReadBenchmark's);</li>
 *   <li>{@code mixed}: {@code cpu == 1 || reason == SOCKET_RCVBUFF && protocol == ipv4};</li>
 *   <li>{@code or50k}: 50,000 {@code symbol == f<i>} joined by {@code ||}, then the drop site;</li>
 *   <li>{@code and5k}: 5,000 {@code cpu != <i>} joined by {@code &&}, then a reason.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class FilterBenchmark {
    static final int EVENTS = 1024;
    private static final long UDP = 0xffffffff82046f4cL;
    private static final long QUEUE = 0xffffffff820451a2L;

    @Param({"pair", "mixed", "or50k", "and5k"})
    public String filter;

    private DropFilter compiled;
    private final DropEvent[] events = new DropEvent[EVENTS];

    @Setup(Level.Trial)
    public void setUp() throws FilterException {
        String text = switch (filter) {
            case "pair" -> "reason == NO_SOCKET && symbol =~ __udp*";
            case "mixed" -> "cpu == 1 || reason == SOCKET_RCVBUFF && protocol == ipv4";
            case "or50k" -> chain(50_000, "symbol == f", " || ") + " || symbol == __udp4_lib_rcv";
            default -> chain(5_000, "cpu != 1", " && ") + " && reason == NO_SOCKET";
        };
        compiled = DropFilter.compile(FilterParser.parse(text), new DropNames() {
            @Override
            public String reason(int code) {
                return code == 3 ? "NO_SOCKET" : code == 6 ? "SOCKET_RCVBUFF" : null;
            }

            @Override
            public String symbol(long pc) {
                return pc == UDP ? "__udp4_lib_rcv" : pc == QUEUE ? "udp_queue_rcv_one_skb" : null;
            }
        });
        for (int i = 0; i < EVENTS; i++) {
            int run = i >> 3;
            events[i] = new DropEvent().set(i, run & 1, DropOrigin.SOFTWARE, (run & 2) == 0 ? UDP : QUEUE,
                    (run & 4) == 0 ? 3 : 6, DropSink.NO_STACK, 1).packet((run & 8) == 0 ? 0x0800 : 0x86dd, 0, 0);
        }
    }

    private static String chain(int n, String term, String op) {
        return IntStream.range(0, n).mapToObj(i -> term + i).collect(Collectors.joining(op));
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public int test() {
        int kept = 0;
        for (DropEvent e : events) {
            if (compiled.test(e)) {
                kept++;
            }
        }
        return kept;
    }
}
