// SPDX-License-Identifier: Apache-2.0
package org.dropscope.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code top --batch -n N} while known drops happen in a private network namespace: the last
 * block, printed after monitoring stopped and drained, counts at __udp4_lib_rcv with NO_SOCKET
 * exactly the namespace's Udp NoPorts delta; with the three {@link KnownDrops}, each kind exactly
 * by symbol and reason, and with {@code --filter} only the kind it keeps.
 */
@Tag("kernel")
class TopBatchIT {
    private static final int DATAGRAMS = 2000;
    private static final int INTERVALS = 40;
    private static final String INTERVAL_MILLIS = "300";

    @BeforeAll
    static void requirements() {
        KnownDrops.requireRootAndTools();
    }

    /** One run: the traffic, the last block's count and lost events, whether top outlasted the traffic. */
    private record Observed(Netns.Traffic traffic, long counted, long lost, int blocksDuringTraffic, int blocks,
            String transcript) {
    }

    @Test
    void theLastBlockCountsExactlyTheClosedPortDropsOfTheNamespace() {
        Observed o = Interference.repeatWhileDisturbed("TopBatchIT", TopBatchIT::runOnce, r -> {
            if (r.blocksDuringTraffic() > INTERVALS - 2) {
                return "printed " + r.blocksDuringTraffic() + " of " + INTERVALS + " blocks before the traffic ended"
                        + " (a slow machine: the last block may have been taken before it)";
            }
            return Interference.of(r.counted(), r.traffic().noPorts(), r.lost());
        });
        assertTrue(o.blocksDuringTraffic() <= INTERVALS - 2, "top still ran when the traffic ended\n" + o.transcript());
        assertEquals(DATAGRAMS, o.traffic().sent(), "datagrams sent");
        assertEquals(DATAGRAMS, o.traffic().noPorts(), "Udp NoPorts of the test's network namespace");
        assertEquals(INTERVALS, o.blocks(), "blocks printed for -n " + INTERVALS + "\n" + o.transcript());
        assertEquals(0, o.lost(), "events lost\n" + o.transcript());
        assertEquals(o.traffic().noPorts(), o.counted(),
                "total of __udp4_lib_rcv NO_SOCKET in the last block\n" + o.transcript());
    }

    private static Observed runOnce() {
        try (Netns net = Netns.create();
                ShellProcess top = ShellProcess.start(List.of(), "top", "--batch", "-n", Integer.toString(INTERVALS),
                        "--interval", INTERVAL_MILLIS, "--source", "tracepoint")) {
            // The first block is printed once the kernel has been delivering for an interval.
            top.awaitLine(TopBatchIT::isHeader, "a block header", 0);
            Netns.Traffic traffic = net.send("noport", DATAGRAMS);
            int during = headers(top.stdout());
            LastBlock b = lastBlock(top);
            return new Observed(traffic, b.totals().getOrDefault(KnownDrops.NO_SOCKET, 0L), b.lost(), during,
                    headers(top.stdout()), top.transcript());
        }
    }

    /** The last block of a top that ended: its lost total, and its rows' totals by symbol and reason. */
    private record LastBlock(long lost, Map<KnownDrops.DropKey, Long> totals) {
    }

    /** Waits for {@code top} to end cleanly and reads its last block. */
    private static LastBlock lastBlock(ShellProcess top) {
        assertEquals(0, top.awaitExit(), top.transcript());
        assertEquals("", top.stderr(), "dropscope's stderr");
        TopBlock b = TopBlock.last(top.stdout());
        assertTrue(isHeader(b.header()), b.header());
        Map<KnownDrops.DropKey, Long> totals = new HashMap<>();
        b.rows().forEach(r -> totals.merge(new KnownDrops.DropKey(r.symbol(), r.reason()), r.total(), Long::sum));
        return new LastBlock(b.lostTotal(), totals);
    }

    /** The last block of one run with {@link KnownDrops}, and what the kernel counted. */
    private record Kinds(Map<KnownDrops.DropKey, Long> expected, Map<KnownDrops.DropKey, Long> counted, long lost,
            String transcript) {
    }

    @Test
    void theLastBlockCountsEachKindOfDropExactlyBySymbolAndReason() {
        Kinds k = Interference.repeatWhileDisturbed("TopBatchIT kinds", () -> runKinds(),
                r -> KnownDrops.disturbance(r.expected(), r.counted(), r.lost()));
        assertEquals(0, k.lost(), "events lost\n" + k.transcript());
        assertEquals(3, k.expected().size(), "kinds caused: " + k.expected());
        assertEquals(k.expected(), KnownDrops.only(k.expected(), k.counted()), "totals of the last block\n"
                + k.transcript());
    }

    @Test
    void theFilterKeepsOnlyTheDropsItNames() {
        Kinds k = Interference.repeatWhileDisturbed("TopBatchIT filter", () -> runKinds("--filter",
                "reason == SOCKET_RCVBUFF || symbol == __udp4_lib_rcv"),
                r -> KnownDrops.disturbance(r.expected(), r.counted(), r.lost()));
        Map<KnownDrops.DropKey, Long> kept = new HashMap<>(k.expected());
        kept.remove(KnownDrops.NETFILTER_DROP);
        assertEquals(kept, KnownDrops.only(kept, k.counted()), "kept kinds in the last block\n" + k.transcript());
        k.counted().forEach((key, n) -> assertTrue(kept.containsKey(key) || key.symbol().equals("__udp4_lib_rcv")
                || key.reason().equals("SOCKET_RCVBUFF"), key + " (" + n + ") is not what the filter keeps\n"
                + k.transcript()));
    }

    private static Kinds runKinds(String... extra) {
        List<String> args = new ArrayList<>(List.of("top", "--batch", "-n", Integer.toString(INTERVALS),
                "--interval", INTERVAL_MILLIS, "--source", "tracepoint"));
        args.addAll(List.of(extra));
        try (KnownDrops drops = KnownDrops.create();
                ShellProcess top = ShellProcess.start(List.of(), args.toArray(new String[0]))) {
            top.awaitLine(TopBatchIT::isHeader, "a block header", 0);
            Map<KnownDrops.DropKey, Long> expected = drops.cause(KnownDrops.DEFAULT);
            int during = headers(top.stdout());
            assertTrue(during <= INTERVALS - 2, "top still ran when the traffic ended\n" + top.transcript());
            LastBlock b = lastBlock(top);
            return new Kinds(KnownDrops.placed(expected, b.totals()), b.totals(), b.lost(), top.transcript());
        }
    }

    private static int headers(List<String> lines) {
        return (int) lines.stream().filter(TopBatchIT::isHeader).count();
    }

    /** A block's first line, of the tracepoint source: {@code HH:MM:SS  tracepoint ...}. */
    private static boolean isHeader(String line) {
        return TopBlock.isHeader(line) && line.startsWith("  tracepoint ", 8);
    }
}
