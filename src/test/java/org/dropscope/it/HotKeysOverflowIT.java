// SPDX-License-Identifier: Apache-2.0
package org.dropscope.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Hot keys counted in the kernel while a small ring overflows, on the real kernel: the loss
 * count is exact (source.tracepoint.HotKeys#lost, from the group leader's count), so what the
 * shell prints plus what it reports lost equals the namespace's own Udp NoPorts and RcvbufErrors,
 * to the drop.
 *
 * <p>The shell runs with a ring of {@value #RING_PAGES} pages per CPU (about a hundred samples).
 * To make the ring overflow whatever the machine's speed, the shell is stopped (SIGSTOP) as the
 * closed-port and full-buffer drops begin, and continued once each key has dropped
 * {@value #WHILE_STOPPED} times, far more than the ring holds. Its reader then finds both keys
 * hot at its next pass and hands them to the kernel's counters while the drops go on: the
 * hand-over's overlap happens with a ring that is full again within a millisecond, where a lost
 * duplicate sample used to count as a loss too. The traffic goes on until the shell says the keys
 * are counted in the kernel, then for {@value #AFTER_HAND_OVER} more drops of each.
 */
@ExtendWith(MachineLock.class)
@Tag("kernel")
class HotKeysOverflowIT {
    private static final int RING_PAGES = 4;
    private static final long WHILE_STOPPED = 5_000;
    private static final long AFTER_HAND_OVER = HotKeysIT.AFTER_HAND_OVER;
    private static final String KEYS_IN_KERNEL = HotKeysIT.KEYS_IN_KERNEL;
    private static final Duration TRAFFIC_BOUND = HotKeysIT.TRAFFIC_BOUND;

    @BeforeAll
    static void requirements() {
        ShellProcess.requireRootAndTools();
    }

    /**
     * One run.
     *
     * @param keys the keys counted in the kernel once the test's were handed over
     */
    private record Observed(Netns.Traffic traffic, long noSocket, long rcvbuff, long lost, long keys,
            List<String> stats, String transcript) {
        long caused() {
            return traffic.noPorts() + traffic.rcvbufErrors();
        }
    }

    @Test
    void countPlusLostIsTheKernelsCountWhenTheRingOverflows() {
        Observed o = Interference.repeatWhileDisturbed("HotKeysOverflowIT", HotKeysOverflowIT::runOnce,
                r -> Interference.ofAccounting(r.noSocket() + r.rcvbuff(), r.lost(), r.caused()));
        o.stats().stream().filter(l -> l.startsWith("samples also counted")).forEach(
                l -> System.out.println("HotKeysOverflowIT: " + l));
        System.out.println("HotKeysOverflowIT: " + o.traffic().sent() + " datagrams, " + o.lost() + " samples lost, "
                + o.keys() + " keys counted in the kernel");
        assertTrue(o.keys() >= 2, KEYS_IN_KERNEL + ": " + o.keys() + "\n" + o.transcript());
        assertTrue(o.stats().contains("hand-overs the kernel refused: 0"), "hand-overs refused\n" + o.transcript());
        assertTrue(o.lost() > 0, "the ring of " + RING_PAGES + " pages overflowed while the shell was stopped, yet"
                + " nothing was reported lost\n" + o.transcript());
        assertEquals(o.caused(), o.noSocket() + o.rcvbuff() + o.lost(), "drops printed (" + o.noSocket() + " + "
                + o.rcvbuff() + ") plus samples lost (" + o.lost() + ") vs the namespace's Udp NoPorts + RcvbufErrors\n"
                + o.transcript());
    }

    private static Observed runOnce() {
        try (Netns net = Netns.create();
                MountNamespace mnt = MountNamespace.create(MountNamespace.TracefsState.UNMOUNTED);
                ShellProcess shell = ShellProcess.start(mnt.prefix(), "--source", "tracepoint",
                        "--hot-threshold", Integer.toString(HotKeysIT.THRESHOLD), "--ring-pages", Integer.toString(RING_PAGES))) {
            shell.send("start");
            int ready = shell.awaitLine(ShellProcess.ACTIVATED);
            Netns.Traffic traffic;
            long keys;
            Map<String, Long> start = net.udpCounters();
            shell.signal("STOP");
            try (Netns.Flow flow = net.startSending("mixed", UdpTraffic.MAX_COUNT)) {
                try {
                    Commands.waitUntil(() -> Netns.bothGrew(start, net.udpCounters(), WHILE_STOPPED), TRAFFIC_BOUND,
                            WHILE_STOPPED + " drops of each key while the shell was stopped", flow::describe);
                } finally {
                    shell.signal("CONT");
                }
                long[] seen = {-1};
                Commands.waitUntil(() -> (seen[0] = shell.stat(KEYS_IN_KERNEL)) >= 2, TRAFFIC_BOUND,
                        "two keys handed to the kernel's counters while the drops went on",
                        () -> flow.describe() + "\n" + shell.transcript());
                keys = seen[0];
                HotKeysIT.awaitMoreOfEachKey(net, flow, shell);
                traffic = flow.finish();
            }
            ShellProcess.Ended end = shell.stopAndExit(ready);
            return new Observed(traffic, DropLine.sum(end.lines(), HotKeysIT.UDP_RECEIVE, "NO_SOCKET"),
                    DropLine.sum(end.lines(), HotKeysIT.UDP_QUEUE, "SOCKET_RCVBUFF"), end.lost(), keys, end.stats(),
                    shell.transcript());
        }
    }
}
