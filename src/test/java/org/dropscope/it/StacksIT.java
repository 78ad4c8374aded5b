// SPDX-License-Identifier: Apache-2.0
package org.dropscope.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.dropscope.aggregate.DropAggregator;
import org.dropscope.aggregate.Snapshot;
import org.dropscope.event.DropSink;
import org.dropscope.ksym.KernelSymbol;
import org.dropscope.ksym.Symbolizer;
import org.dropscope.source.SourceException;
import org.dropscope.source.tracepoint.TracepointOptions;
import org.dropscope.source.tracepoint.TracepointSource;
import org.dropscope.testing.KernelTestSupport;
import org.dropscope.testing.ProcFacts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Kernel call chains through the Java API, in this JVM: the tracepoint source opened with stacks,
 * closed-port drops caused in a network namespace of the test's own, every one of them counted
 * with a stack that passes through the UDP receive path.
 */
@ExtendWith(MachineLock.class)
@Tag("kernel")
class StacksIT {
    /** Few enough that all samples, stacks included, fit the rings even if the reader never ran. */
    private static final int DATAGRAMS = 1000;
    private static final String UDP_RECEIVE = "__udp4_lib_rcv";
    /** Functions of the UDP receive path; __udp4_lib_rcv is reached through udp_rcv. */
    private static final List<String> UDP_RECEIVE_PATH = List.of(UDP_RECEIVE, "udp_rcv");

    @BeforeAll
    static void requirements() {
        KernelTestSupport.requireRoot();
        KernelTestSupport.require(Commands.succeeds("ip", "netns", "list"), "ip netns (iproute2) is needed");
    }

    @AfterEach
    void nothingLeftOpen() {
        assertEquals(0, ProcFacts.perfFds("self"), "perf event descriptors left open");
        assertEquals(0, ProcFacts.perfMappings("self"), "perf rings left mapped");
    }

    /** One run: the traffic's kernel counters, the rows at the UDP receive function, and the symbols. */
    private record Observed(Netns.Traffic traffic, List<Snapshot.Row> rows, long lost) {
        long counted() {
            return rows.stream().mapToLong(Snapshot.Row::total).sum();
        }
    }

    @Test
    void closedPortDropsAreAllCountedWithAStackThroughTheUdpReceivePath() throws Exception {
        Symbolizer symbols = Symbolizer.fromProc();
        Observed o = Interference.repeatWhileDisturbed("StacksIT", () -> run(symbols),
                r -> Interference.of(r.counted(), r.traffic().noPorts(), r.lost()));
        assertEquals(DATAGRAMS, o.traffic().sent(), "datagrams sent");
        assertEquals(DATAGRAMS, o.traffic().noPorts(), "Udp NoPorts of the test's network namespace");
        assertEquals(0, o.lost(), "samples lost in the rings");
        assertEquals(o.traffic().noPorts(), o.counted(), "NO_SOCKET drops at " + UDP_RECEIVE + ": " + o.rows());
    }

    private Observed run(Symbolizer symbols) {
        try (Netns net = Netns.create();
                TracepointSource source = TracepointSource.open(new TracepointOptions(256, true, 100, null, false))) {
            DropAggregator aggregator = new DropAggregator(source.cpus(), 1 << 16, 1 << 14);
            source.start(aggregator);
            Netns.Traffic traffic = net.send("noport", DATAGRAMS);
            source.stop();
            Snapshot snapshot = aggregator.snapshot();
            List<Snapshot.Row> rows = new ArrayList<>();
            for (Snapshot.Row row : snapshot.rows()) {
                KernelSymbol at = symbols.resolve(row.location());
                if (at != null && at.name().equals(UDP_RECEIVE) && "NO_SOCKET".equals(source.names().reason(row.reason()))) {
                    assertNotEquals(DropSink.NO_STACK, row.stackId(), "a drop without a stack: " + row);
                    List<String> frames = frames(symbols, aggregator.stacks().chain(row.stackId()));
                    assertTrue(frames.stream().anyMatch(UDP_RECEIVE_PATH::contains),
                            "no frame of " + UDP_RECEIVE_PATH + " in the stack of " + row + ": " + frames);
                    rows.add(row);
                }
            }
            return new Observed(traffic, rows, snapshot.lostTotal());
        } catch (SourceException e) {
            throw new AssertionError("the tracepoint source failed: " + e.getMessage(), e);
        }
    }

    /** The function names of a call chain, innermost first; unresolved frames as hex. */
    private static List<String> frames(Symbolizer symbols, long[] chain) {
        assertTrue(chain.length > 0, "an empty call chain");
        List<String> names = new ArrayList<>();
        for (long ip : chain) {
            KernelSymbol s = symbols.resolve(ip);
            names.add(s != null ? s.name() : "0x" + Long.toHexString(ip));
        }
        return names;
    }
}
