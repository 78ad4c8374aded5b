// SPDX-License-Identifier: Apache-2.0
package org.dropscope.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Hot keys counted in the kernel, on the real kernel: the shell counts closed-port and full-buffer
 * drops that go on together for seconds, so that both keys pass {@code --hot-threshold} and are
 * handed over from the samplers to counting events while drops keep coming (source.tracepoint.HotKeys).
 * Every drop must be counted exactly once: what dropscope prints equals the namespace's own Udp
 * NoPorts and RcvbufErrors, and {@code stats} says both keys were counted in the kernel.
 *
 * <p>The hand-over relies on the kernel running a tracepoint's newer perf events before older ones
 * within one drop; if it did not, drops in the hand-over would be counted twice or not at all, and
 * the counts here would differ from the kernel's.
 */
@Tag("kernel")
class HotKeysIT {
    /** Half to a closed port, half to a full buffer: a few seconds of a single Java sender. */
    private static final int DATAGRAMS = 300_000;
    private static final String UDP_RECEIVE = "__udp4_lib_rcv";
    private static final String UDP_QUEUE = "udp_queue_rcv_one_skb";

    @BeforeAll
    static void requirements() {
        ShellProcess.requireRootAndTools();
    }

    private record Observed(Netns.Traffic traffic, long noSocket, long rcvbuff, long lost, List<String> stats,
            String transcript) {
    }

    @Test
    void keysHandedToTheKernelsCountersMidTrafficAreCountedExactlyOnce() {
        Observed o = Interference.repeatWhileDisturbed("HotKeysIT", HotKeysIT::runOnce, r -> {
            String noSocket = Interference.of(r.noSocket(), r.traffic().noPorts(), r.lost());
            return noSocket != null ? noSocket : Interference.of(r.rcvbuff(), r.traffic().rcvbufErrors(), r.lost());
        });
        assertEquals(DATAGRAMS, o.traffic().sent(), "datagrams sent");
        assertEquals(DATAGRAMS / 2, o.traffic().noPorts(), "Udp NoPorts of the test's network namespace");
        assertTrue(o.traffic().rcvbufErrors() > DATAGRAMS / 2 - 100, "Udp RcvbufErrors: " + o.traffic().rcvbufErrors());
        // How many drops fell into a hand-over varies from run to run; show it in the test's output.
        o.stats().stream().filter(l -> l.startsWith("samples also counted")).forEach(l -> System.out.println("HotKeysIT: " + l));
        assertEquals(0, o.lost(), "samples lost\n" + o.transcript());
        assertTrue(o.stats().contains("keys counted in the kernel: 2"),
                "both keys should have been handed to the kernel's counters\n" + o.transcript());
        assertEquals(o.traffic().noPorts(), o.noSocket(), "NO_SOCKET drops at " + UDP_RECEIVE + "\n" + o.transcript());
        assertEquals(o.traffic().rcvbufErrors(), o.rcvbuff(),
                "SOCKET_RCVBUFF drops at " + UDP_QUEUE + "\n" + o.transcript());
    }

    /** What top's last block says after the mixed traffic, filtered to the full-buffer drops. */
    private record Filtered(Netns.Traffic traffic, TopBlock last, String transcript) {
    }

    /**
     * {@code top --no-stacks --filter} counts hot keys in the kernel too: the counters' and the
     * samplers' filters carry the user's filter, so the closed-port drops, as hot as the others,
     * appear nowhere and the full-buffer drops are all there.
     */
    @Test
    void topsFilterHoldsForTheKernelsCountersToo() {
        Filtered f = Interference.repeatWhileDisturbed("HotKeysIT top", HotKeysIT::runTop,
                r -> Interference.of(r.last().count(UDP_QUEUE, "SOCKET_RCVBUFF"), r.traffic().rcvbufErrors(),
                        r.last().lostTotal()));
        assertEquals(0, f.last().lostTotal(), "events lost\n" + f.transcript());
        assertEquals(0, f.last().count(UDP_RECEIVE, null), "closed-port drops kept by a filter that excludes them\n"
                + f.transcript());
        assertTrue(f.last().rows().stream().allMatch(r -> r.reason().equals("SOCKET_RCVBUFF")),
                "rows the filter does not keep\n" + f.transcript());
        assertEquals(f.traffic().rcvbufErrors(), f.last().count(UDP_QUEUE, "SOCKET_RCVBUFF"),
                "SOCKET_RCVBUFF drops at " + UDP_QUEUE + " in the last block\n" + f.transcript());
    }

    private static Filtered runTop() {
        try (Netns net = Netns.create();
                ShellProcess top = ShellProcess.start(List.of(), "top", "--batch", "--no-stacks", "--interval", "300",
                        "--source", "tracepoint", "--hot-threshold", "1000", "--filter", "reason == SOCKET_RCVBUFF")) {
            top.awaitLine(TopBlock::isHeader, "a block header", 0);
            Netns.Traffic traffic = net.send("mixed", DATAGRAMS);
            // A last block after SIGTERM holds every drop, drained after the events were disabled.
            top.signal("TERM");
            assertEquals(0, top.awaitExit(), top.transcript());
            assertEquals("", top.stderr(), "dropscope's stderr");
            return new Filtered(traffic, TopBlock.last(top.stdout()), top.transcript());
        }
    }

    private static Observed runOnce() {
        try (Netns net = Netns.create();
                MountNamespace mnt = MountNamespace.create(MountNamespace.TracefsState.UNMOUNTED);
                ShellProcess shell = ShellProcess.start(mnt.prefix(), "--source", "tracepoint",
                        "--hot-threshold", "1000")) {
            shell.send("start");
            int ready = shell.awaitLine(ShellProcess.ACTIVATED);
            Netns.Traffic traffic = net.send("mixed", DATAGRAMS);
            shell.send("stop");
            int stopped = shell.awaitLine(ShellProcess.STOPPED, ready);
            long lost = shell.lostSamples(stopped);
            shell.send("exit");
            assertEquals(0, shell.awaitExit(), shell.transcript());
            List<String> stats = shell.stdout().subList(stopped, shell.stdout().size());
            assertEquals("", shell.stderr(), "dropscope's stderr");
            List<DropLine> lines = DropLine.parse(shell.stdout().subList(ready, stopped));
            return new Observed(traffic, DropLine.sum(lines, UDP_RECEIVE, "NO_SOCKET"),
                    DropLine.sum(lines, UDP_QUEUE, "SOCKET_RCVBUFF"), lost, stats, shell.transcript());
        }
    }
}
