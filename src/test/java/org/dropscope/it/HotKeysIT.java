// SPDX-License-Identifier: Apache-2.0
package org.dropscope.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.dropscope.source.tracepoint.TracepointOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Hot keys counted in the kernel, on the real kernel: the shell counts closed-port and full-buffer
 * drops that go on together, so that both keys pass {@code --hot-threshold} and are handed over
 * from the samplers to counting events while drops keep coming (source.tracepoint.HotKeys). A key
 * is handed over at the reader's pass in which its samples reach the threshold's rate, so the
 * traffic is not a fixed amount but goes on until the shell says both keys are counted in the
 * kernel, and then until each key has dropped {@value #AFTER_HAND_OVER} more times, all of them the
 * counters'.
 *
 * <p>The tracepoint is system-wide and the shell has no filter: another process's hot drops take
 * counters too, and stats gives only how many keys are counted in the kernel. At each pass every
 * key above the threshold not yet counted there is handed over, while a counter is free.
 * So once the number has stayed the same for {@link #SETTLED}, more than a whole second in which
 * the test's keys dropped far above the threshold, both of them are among those counted, whoever
 * else's are, if a counter is still free, or if no more keys than there are counters were ever
 * near the threshold (the shell's one-second lines show every key's drops).
 *
 * <p>Every drop must be counted exactly once: what dropscope prints, plus the samples it reports
 * lost, equals the namespace's own Udp NoPorts and RcvbufErrors. Before the hand-over every drop is
 * a sample, and a single sender on a fast machine or a starved reader on a busy one can overrun the
 * rings: the kernel may lose samples, so the test asserts the accounting, not that nothing was lost.
 * With nothing lost, the counts of both keys are exact.
 *
 * <p>The hand-over relies on the kernel running a tracepoint's newer perf events before older ones
 * within one drop; if it did not, drops in the hand-over would be counted twice or not at all, and
 * the counts here would differ from the kernel's.
 */
@ExtendWith(MachineLock.class)
@Tag("kernel")
class HotKeysIT {
    static final int THRESHOLD = 1000;
    /**
     * Upper bound on one run's datagrams, more than a fast machine's 1.5 million a second send in
     * {@link #TRAFFIC_BOUND}; the test stops the traffic long before, once it has seen the hand-overs.
     */
    private static final int MOST_DATAGRAMS = UdpTraffic.MAX_COUNT;
    /** Drops of each key after both were handed over. */
    static final long AFTER_HAND_OVER = 10_000;
    static final String KEYS_IN_KERNEL = "keys counted in the kernel";
    /** The longest the traffic may go on for what it is for: a starved sender on a busy machine is slow. */
    static final Duration TRAFFIC_BOUND = Duration.ofSeconds(60);
    /** How long the number of keys counted in the kernel must not change: a second's window and more. */
    private static final Duration SETTLED = Duration.ofSeconds(3);
    static final String UDP_RECEIVE = "__udp4_lib_rcv";
    static final String UDP_QUEUE = "udp_queue_rcv_one_skb";

    @BeforeAll
    static void requirements() {
        ShellProcess.requireRootAndTools();
    }

    /**
     * One run.
     *
     * @param settled the keys counted in the kernel once their number settled during the traffic
     * @param hot the keys, the test's and others', that had a third of the threshold in one of the
     *     shell's one-second lines: a superset of those that can have been handed over
     */
    private record Observed(Netns.Traffic traffic, long noSocket, long rcvbuff, long lost, long settled,
            Set<String> hot, List<String> stats, String transcript) {
        /** Whether the settled number says the test's keys are counted in the kernel (see the class comment). */
        boolean handedOver() {
            return settled >= 2 && (settled < TracepointOptions.HOT_KEYS || hot.size() <= TracepointOptions.HOT_KEYS);
        }

        long caused() {
            return traffic.noPorts() + traffic.rcvbufErrors();
        }

        /**
         * Why the run shows other processes' drops: counted at the test's keys, lost, or hot enough to
         * take every counter, so that nothing says the test's keys were handed over.
         */
        String disturbance() {
            String closedPort = Interference.of(noSocket, traffic.noPorts(), 0);
            String fullBuffer = Interference.of(rcvbuff, traffic.rcvbufErrors(), 0);
            if (closedPort != null || fullBuffer != null) {
                return closedPort != null ? closedPort : fullBuffer;
            }
            if (!handedOver() && hot.size() > TracepointOptions.HOT_KEYS) {
                return "saw all " + settled + " counters taken and " + hot.size() + " hot keys: another process's"
                        + " drops were hot too";
            }
            return Interference.ofAccounting(noSocket + rcvbuff, lost, caused());
        }
    }

    @Test
    void keysHandedToTheKernelsCountersMidTrafficAreCountedExactlyOnce() {
        Observed o = Interference.repeatWhileDisturbed("HotKeysIT", HotKeysIT::runOnce, Observed::disturbance);
        int sent = o.traffic().sent();
        // The sender alternates, a closed port first, and reads the full socket's few datagrams at the end.
        assertEquals((sent + 1) / 2, o.traffic().noPorts(), "Udp NoPorts of the test's network namespace, of " + sent);
        assertTrue(o.traffic().rcvbufErrors() > sent / 2 - 100, "Udp RcvbufErrors: " + o.traffic().rcvbufErrors()
                + " of " + sent);
        // How many drops fell into a hand-over, and how many samples the kernel lost, vary from run
        // to run; show them in the test's output.
        o.stats().stream().filter(l -> l.startsWith("samples also counted")).forEach(l -> System.out.println("HotKeysIT: " + l));
        System.out.println("HotKeysIT: " + sent + " datagrams, " + o.lost() + " samples lost, " + o.settled()
                + " keys counted in the kernel of " + o.hot().size() + " hot: " + o.hot());
        for (String key : List.of(UDP_RECEIVE + "\\+[0-9a-f]+ NO_SOCKET", UDP_QUEUE + "\\+[0-9a-f]+ SOCKET_RCVBUFF")) {
            assertTrue(o.hot().stream().anyMatch(h -> h.matches(key)), "the test's key " + key + " among the hot ones: "
                    + o.hot() + "\n" + o.transcript());
        }
        assertTrue(o.handedOver(), KEYS_IN_KERNEL + " settled at " + o.settled() + " with " + o.hot().size()
                + " hot keys " + o.hot() + ": both of the test's must be among them (" + TracepointOptions.HOT_KEYS
                + " counters)\n" + o.transcript());
        assertTrue(o.stats().contains("hand-overs the kernel refused: 0"), "hand-overs refused\n" + o.transcript());
        assertTrue(o.noSocket() <= o.traffic().noPorts(), "NO_SOCKET drops at " + UDP_RECEIVE + ": " + o.noSocket()
                + ", more than Udp NoPorts " + o.traffic().noPorts() + "\n" + o.transcript());
        assertTrue(o.rcvbuff() <= o.traffic().rcvbufErrors(), "SOCKET_RCVBUFF drops at " + UDP_QUEUE + ": "
                + o.rcvbuff() + ", more than Udp RcvbufErrors " + o.traffic().rcvbufErrors() + "\n" + o.transcript());
        // With nothing lost, this and the two above make both keys' counts exact.
        assertEquals(o.caused(), o.noSocket() + o.rcvbuff() + o.lost(), "drops printed (" + o.noSocket() + " + "
                + o.rcvbuff() + ") plus samples lost (" + o.lost() + ") vs the namespace's Udp NoPorts + RcvbufErrors\n"
                + o.transcript());
    }

    /** What top's last block says after the mixed traffic, filtered to the full-buffer drops. */
    private record Filtered(Netns.Traffic traffic, TopBlock last, String transcript) {
    }

    /**
     * {@code top --no-stacks --filter} counts hot keys in the kernel too: the counters' and the
     * samplers' filters carry the user's filter, so the closed-port drops, as hot as the others,
     * appear nowhere and the full-buffer drops are all there, counted or reported lost.
     *
     * <p>top does not say when it hands a key over (the shell's stats do, above). The traffic goes on
     * until top itself has shown the full-buffer drops at five times the threshold for
     * {@value #HOT_BLOCKS} blocks in a row, three seconds, in which at least one whole second of
     * promotion ended: the key was handed over by then, and its drops went on after it. The filter
     * names the function too, so that other processes' full-buffer drops elsewhere (IPv6 ones in
     * udpv6_queue_rcv_one_skb, say) cannot be hotter and handed over first.
     */
    @Test
    void topsFilterHoldsForTheKernelsCountersToo() {
        Filtered f = Interference.repeatWhileDisturbed("HotKeysIT top", HotKeysIT::runTop,
                r -> Interference.ofAccounting(r.last().count(UDP_QUEUE, "SOCKET_RCVBUFF"), r.last().lostTotal(),
                        r.traffic().rcvbufErrors()));
        assertEquals(0, f.last().count(UDP_RECEIVE, null), "closed-port drops kept by a filter that excludes them\n"
                + f.transcript());
        assertTrue(f.last().rows().stream().allMatch(r -> r.reason().equals("SOCKET_RCVBUFF") && r.symbol().equals(UDP_QUEUE)),
                "rows the filter does not keep\n" + f.transcript());
        long counted = f.last().count(UDP_QUEUE, "SOCKET_RCVBUFF");
        assertTrue(counted > 0, "no SOCKET_RCVBUFF drops at " + UDP_QUEUE + "\n" + f.transcript());
        assertEquals(f.traffic().rcvbufErrors(), counted + f.last().lostTotal(), "SOCKET_RCVBUFF drops at " + UDP_QUEUE
                + " in the last block plus lost vs Udp RcvbufErrors\n" + f.transcript());
    }

    /** Blocks of 300 ms in a row at the hot rate: three seconds. */
    private static final int HOT_BLOCKS = 10;
    /**
     * top's threshold: low, so that a sender starved by a busy machine still drops five times as
     * often ({@link #HOT_RATE}); other processes' keys it makes hot do not matter to this test.
     */
    private static final int TOP_THRESHOLD = 200;
    private static final int HOT_RATE = 5 * TOP_THRESHOLD;

    private static Filtered runTop() {
        try (Netns net = Netns.create();
                ShellProcess top = ShellProcess.start(List.of(), "top", "--batch", "--no-stacks", "--interval", "300",
                        "--source", "tracepoint", "--hot-threshold", Integer.toString(TOP_THRESHOLD), "--filter",
                        "reason == SOCKET_RCVBUFF && symbol == " + UDP_QUEUE)) {
            top.awaitLine(TopBlock::isHeader, "a block header", 0);
            Netns.Traffic traffic;
            try (Netns.Flow flow = net.startSending("mixed", MOST_DATAGRAMS)) {
                Commands.waitUntil(() -> hotBlocks(top.stdout()) >= HOT_BLOCKS, TRAFFIC_BOUND,
                        HOT_BLOCKS + " blocks in a row with SOCKET_RCVBUFF at " + UDP_QUEUE + " above "
                                + HOT_RATE + "/s", () -> flow.describe() + "\n" + top.transcript());
                traffic = flow.finish();
            }
            System.out.println("HotKeysIT top: " + traffic.sent() + " datagrams, " + TopBlock.all(top.stdout()).size()
                    + " blocks");
            // A last block after SIGTERM holds every drop, drained after the events were disabled.
            top.signal("TERM");
            assertEquals(0, top.awaitExit(), top.transcript());
            assertEquals("", top.stderr(), "dropscope's stderr");
            return new Filtered(traffic, TopBlock.last(top.stdout()), top.transcript());
        }
    }

    /** Complete blocks, counted back from the last, with the full-buffer drops above {@link #HOT_RATE}. */
    private static int hotBlocks(List<String> lines) {
        List<TopBlock> blocks = TopBlock.all(lines);
        int hot = 0;
        // The last block may still be being printed.
        for (int b = blocks.size() - 2; b >= 0 && blocks.get(b).rate(UDP_QUEUE, "SOCKET_RCVBUFF") > HOT_RATE; b--) {
            hot++;
        }
        return hot;
    }

    private static Observed runOnce() {
        try (Netns net = Netns.create();
                MountNamespace mnt = MountNamespace.create(MountNamespace.TracefsState.UNMOUNTED);
                ShellProcess shell = ShellProcess.start(mnt.prefix(), "--source", "tracepoint",
                        "--hot-threshold", Integer.toString(THRESHOLD))) {
            shell.send("start");
            int ready = shell.awaitLine(ShellProcess.ACTIVATED);
            Netns.Traffic traffic;
            long settled;
            try (Netns.Flow flow = net.startSending("mixed", MOST_DATAGRAMS)) {
                settled = settledKeys(shell, flow);
                awaitMoreOfEachKey(net, flow, shell);
                traffic = flow.finish();
            }
            ShellProcess.Ended end = shell.stopAndExit(ready);
            List<DropLine> lines = end.lines();
            // A second's window with THRESHOLD samples overlaps at most three one-second lines.
            Set<String> hot = lines.stream().filter(l -> l.count() * 3 >= THRESHOLD)
                    .map(l -> l.function() + "+" + Long.toHexString(l.offset()) + " " + l.reason())
                    .collect(Collectors.toCollection(TreeSet::new));
            return new Observed(traffic, DropLine.sum(lines, UDP_RECEIVE, "NO_SOCKET"),
                    DropLine.sum(lines, UDP_QUEUE, "SOCKET_RCVBUFF"), end.lost(), settled, hot, end.stats(),
                    shell.transcript());
        }
    }

    /**
     * Asks stats while the drops go on until the keys counted in the kernel, two or more, have not
     * changed for {@link #SETTLED}, or every counter is taken; returns their number.
     */
    /**
     * Lets {@code flow} go on until each UDP key has dropped {@link #AFTER_HAND_OVER} more times
     * from now (bounded by {@link #TRAFFIC_BOUND}), so that both are counted after the hand-over.
     */
    static void awaitMoreOfEachKey(Netns net, Netns.Flow flow, ShellProcess shell) {
        Map<String, Long> handedOver = net.udpCounters();
        Commands.waitUntil(() -> Netns.bothGrew(handedOver, net.udpCounters(), AFTER_HAND_OVER), TRAFFIC_BOUND,
                AFTER_HAND_OVER + " more drops of each key after the hand-over",
                () -> flow.describe() + "\n" + shell.transcript());
    }

    private static long settledKeys(ShellProcess shell, Netns.Flow flow) {
        long[] keys = {-1};
        long[] since = {0};
        Commands.waitUntil(() -> {
            long n = shell.stat(KEYS_IN_KERNEL);
            long now = System.nanoTime();
            if (n != keys[0]) {
                keys[0] = n;
                since[0] = now;
            }
            return n >= TracepointOptions.HOT_KEYS || n >= 2 && now - since[0] >= SETTLED.toNanos();
        }, TRAFFIC_BOUND, "both keys handed to the kernel's counters (" + KEYS_IN_KERNEL + " 2 or more, the same"
                + " for " + SETTLED.toSeconds() + " s) while the drops went on", () -> flow.describe() + "\n"
                + shell.transcript());
        return keys[0];
    }
}
