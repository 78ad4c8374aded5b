// SPDX-License-Identifier: Apache-2.0
package org.dropscope.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dropscope.aggregate.DropAggregator;
import org.dropscope.aggregate.Snapshot;
import org.dropscope.event.DropSink;
import org.dropscope.filter.FilterException;
import org.dropscope.ksym.KernelSymbol;
import org.dropscope.ksym.Symbolizer;
import org.dropscope.source.SourceException;
import org.dropscope.source.SourceFilter;
import org.dropscope.source.tracepoint.TracepointOptions;
import org.dropscope.source.tracepoint.TracepointSource;
import org.dropscope.testing.ProcFacts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Stacks at the price of counts, on the real kernel: the tracepoint source opened with stacks and
 * hot keys (as {@code top} opens it), closed-port and full-buffer drops going on together until
 * both keys are counted in the kernel, whose counters then sample a stack once every
 * {@value #STACK_PERIOD} drops. Every drop is counted once (the printed counts plus the samples
 * lost equal the namespace's Udp NoPorts and RcvbufErrors), every stack of a key passes through
 * the key's own function, and fewer than a period's drops per CPU and key are without one (those a
 * counter counted before its first stack sample). The counters' stack samples are not drops: were
 * they counted, the counts would exceed the kernel's.
 *
 * <p>The source's kernel filter keeps the two reasons, so that other processes' drops elsewhere
 * take no counter; their drops of these reasons make a run disturbed, and it runs again.
 */
@ExtendWith(MachineLock.class)
@Tag("kernel")
class HotKeyStacksIT {
    private static final int THRESHOLD = 1000;
    private static final long STACK_PERIOD = 1000;
    /** Drops of each key after both were handed over: twenty stack samples' worth. */
    private static final long AFTER_HAND_OVER = 20 * STACK_PERIOD;
    private static final String KEYS_IN_KERNEL = "keys counted in the kernel";
    private static final String STACK_SAMPLES = "stack samples of counted keys";
    private static final Duration TRAFFIC_BOUND = Duration.ofSeconds(60);
    private static final String UDP_RECEIVE = "__udp4_lib_rcv";
    private static final String UDP_QUEUE = "udp_queue_rcv_one_skb";
    private static final String SAMPLING = "cold keys every drop, hot keys 1 in " + STACK_PERIOD;

    @BeforeAll
    static void requirements() {
        ShellProcess.requireRootAndTools();
    }

    @AfterEach
    void nothingLeftOpen() {
        assertEquals(0, ProcFacts.perfFds("self"), "perf event descriptors left open");
        assertEquals(0, ProcFacts.perfMappings("self"), "perf rings left mapped");
    }

    /** One key's drops: all, and those without a stack. */
    private record Key(long total, long withoutStack) {
    }

    private record Observed(Netns.Traffic traffic, Key noSocket, Key rcvbuff, long lost, long keysInKernel,
            long stackSamples, String description, int cpus) {
        long caused() {
            return traffic.noPorts() + traffic.rcvbufErrors();
        }

        String disturbance() {
            return Interference.ofAccounting(noSocket.total() + rcvbuff.total(), lost, caused());
        }
    }

    @Test
    void countedKeysAreExactAndTheirStacksSampled() throws Exception {
        Symbolizer symbols = Symbolizer.fromProc();
        Observed o = Interference.repeatWhileDisturbed("HotKeyStacksIT", () -> run(symbols), Observed::disturbance);
        System.out.println("HotKeyStacksIT: " + o.traffic().sent() + " datagrams, " + o.lost() + " samples lost, "
                + o.keysInKernel() + " keys counted in the kernel, " + o.stackSamples() + " stack samples; without"
                + " a stack: " + o.noSocket().withoutStack() + " NO_SOCKET, " + o.rcvbuff().withoutStack()
                + " SOCKET_RCVBUFF");
        assertTrue(o.description().endsWith("kernel stacks (" + SAMPLING + ")"), o.description());
        assertTrue(o.keysInKernel() >= 2, KEYS_IN_KERNEL + ": " + o.keysInKernel());
        // Twenty periods of each key at least went through the counters after the hand-over.
        assertTrue(o.stackSamples() >= 2 * (AFTER_HAND_OVER / STACK_PERIOD) - 2 * o.cpus(),
                STACK_SAMPLES + ": " + o.stackSamples());
        for (Key k : List.of(o.noSocket(), o.rcvbuff())) {
            assertTrue(k.withoutStack() <= (STACK_PERIOD - 1) * o.cpus(), "drops without a stack: " + k);
        }
        assertTrue(o.noSocket().total() <= o.traffic().noPorts(), "NO_SOCKET drops " + o.noSocket()
                + ", more than Udp NoPorts " + o.traffic().noPorts());
        assertTrue(o.rcvbuff().total() <= o.traffic().rcvbufErrors(), "SOCKET_RCVBUFF drops " + o.rcvbuff()
                + ", more than Udp RcvbufErrors " + o.traffic().rcvbufErrors());
        assertEquals(o.caused(), o.noSocket().total() + o.rcvbuff().total() + o.lost(), "drops counted ("
                + o.noSocket() + " + " + o.rcvbuff() + ") plus samples lost (" + o.lost()
                + ") vs the namespace's Udp NoPorts + RcvbufErrors");
    }

    /** {@code top} as started says, in its stack grouping, how the stacks it shows were taken. */
    @Test
    void topsStackGroupingSaysHowStacksAreSampled() {
        try (ShellProcess top = ShellProcess.start(List.of(), "top", "--batch", "--group", "stack", "-n", "1",
                "--interval", "100", "--source", "tracepoint", "--stack-period", Long.toString(STACK_PERIOD))) {
            assertEquals(0, top.awaitExit(), top.transcript());
            assertEquals("", top.stderr(), "dropscope's stderr");
            String header = top.stdout().stream().filter(TopBlock::isHeader).findFirst().orElse(null);
            assertNotNull(header, top.transcript());
            assertTrue(header.endsWith("  (stacks: " + SAMPLING + ")"), header);
        }
    }

    private static Observed run(Symbolizer symbols) {
        TracepointOptions options = new TracepointOptions(TracepointOptions.DEFAULT_RING_PAGES, true,
                TracepointOptions.DEFAULT_POLL_MILLIS, null, false, THRESHOLD, STACK_PERIOD);
        try (Netns net = Netns.create(); TracepointSource source = TracepointSource.open(options)) {
            assertNotNull(source.filter(SourceFilter.parse("reason == NO_SOCKET || reason == SOCKET_RCVBUFF", null)),
                    "the reasons are the kernel's to filter");
            DropAggregator aggregator = new DropAggregator(source.cpus(), 1 << 16, 1 << 14);
            source.start(aggregator);
            Netns.Traffic traffic;
            try (Netns.Flow flow = net.startSending("mixed", UdpTraffic.MAX_COUNT)) {
                Commands.waitUntil(() -> source.counters().get(KEYS_IN_KERNEL) >= 2, TRAFFIC_BOUND,
                        "both keys handed to the kernel's counters while the drops went on", flow::describe);
                Map<String, Long> handedOver = net.udpCounters();
                Commands.waitUntil(() -> grew(handedOver, net.udpCounters()), TRAFFIC_BOUND,
                        AFTER_HAND_OVER + " more drops of each key after the hand-overs", flow::describe);
                traffic = flow.finish();
            }
            source.stop();
            Snapshot snapshot = aggregator.snapshot();
            Map<String, Long> counters = source.counters();
            return new Observed(traffic, key(symbols, source, aggregator, snapshot, UDP_RECEIVE, "NO_SOCKET"),
                    key(symbols, source, aggregator, snapshot, UDP_QUEUE, "SOCKET_RCVBUFF"), snapshot.lostTotal(),
                    counters.get(KEYS_IN_KERNEL), counters.get(STACK_SAMPLES), source.description(), source.cpus());
        } catch (SourceException | FilterException e) {
            throw new AssertionError("the tracepoint source failed: " + e.getMessage(), e);
        }
    }

    /**
     * One key's drops; every stack it has passes through the function that drops (the stack's
     * first frame is the tracepoint's caller, sk_skb_reason_drop on 6.18, not the function).
     */
    private static Key key(Symbolizer symbols, TracepointSource source, DropAggregator aggregator, Snapshot snapshot,
            String function, String reason) {
        long total = 0;
        long withoutStack = 0;
        for (Snapshot.Row row : snapshot.rows()) {
            KernelSymbol at = symbols.resolve(row.location());
            if (at == null || !at.name().equals(function) || !reason.equals(source.names().reason(row.reason()))) {
                continue;
            }
            total += row.total();
            if (row.stackId() == DropSink.NO_STACK) {
                withoutStack += row.total();
                continue;
            }
            List<String> frames = new ArrayList<>();
            for (long ip : aggregator.stacks().chain(row.stackId())) {
                KernelSymbol s = symbols.resolve(ip);
                frames.add(s != null ? s.name() : "0x" + Long.toHexString(ip));
            }
            assertTrue(frames.contains(function), "no frame of " + function + " in the stack of " + row + ": " + frames);
        }
        return new Key(total, withoutStack);
    }

    /** Whether both Udp counters grew by {@value #AFTER_HAND_OVER} since {@code before}. */
    private static boolean grew(Map<String, Long> before, Map<String, Long> now) {
        return now.get("NoPorts") - before.get("NoPorts") >= AFTER_HAND_OVER
                && now.get("RcvbufErrors") - before.get("RcvbufErrors") >= AFTER_HAND_OVER;
    }
}
