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
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code top --batch -n N} while known drops happen in a private network namespace: the last
 * block, printed after monitoring stopped and drained, counts at __udp4_lib_rcv with NO_SOCKET
 * exactly the namespace's Udp NoPorts delta; with the three {@link KnownDrops}, each kind exactly
 * by symbol and reason, and with {@code --filter} only the kind it keeps.
 */
@ExtendWith(MachineLock.class)
@Tag("kernel")
class TopBatchIT {
    private static final int DATAGRAMS = 2000;
    /**
     * Blocks of the first attempt, 12 s: -n fixes top's run in advance, and the traffic (child JVMs)
     * must end two blocks before it. A run the traffic outlasted is repeated with twice the blocks.
     */
    private static final int INTERVALS = 40;
    private static final int INTERVAL_MILLIS = 300;
    /**
     * 4 MiB rings: top samples stacks, about 240 bytes a drop here (64 KiB held 273), so that all
     * the drops of a run fit even if the reader never ran, and nothing lost is the test's to assert.
     */
    private static final String RING_PAGES = "1024";

    @BeforeAll
    static void requirements() {
        KnownDrops.requireRootAndTools();
    }

    /** One run: the traffic, the last block's count and lost events, whether top outlasted the traffic. */
    private record Observed(Netns.Traffic traffic, long counted, long lost, Outlasted outlasted, int blocks,
            String transcript) {
    }

    /**
     * How many of top's {@code -n} blocks were printed when the traffic ended; the last block, after
     * monitoring stopped, counts all of it only if the traffic ended two blocks before.
     */
    private record Outlasted(int during, int intervals) {
        /** Why the run must be repeated with more blocks, or null. */
        String why() {
            return during <= intervals - 2 ? null : "printed " + during + " of " + intervals + " blocks before the"
                    + " traffic ended (a slow machine: the last block may have been taken before it); more blocks";
        }
    }

    /** The -n of an attempt: twice as many blocks after a run the traffic outlasted. */
    private static int intervals(int attempt) {
        return INTERVALS << (attempt - 1);
    }

    @Test
    void theLastBlockCountsExactlyTheClosedPortDropsOfTheNamespace() {
        Observed o = Interference.repeatWhileDisturbed("TopBatchIT", TopBatchIT::runOnce, r -> {
            String slow = r.outlasted().why();
            return slow != null ? slow : Interference.of(r.counted(), r.traffic().noPorts(), r.lost());
        });
        assertEquals(null, o.outlasted().why(), "top still ran when the traffic ended\n" + o.transcript());
        assertEquals(DATAGRAMS, o.traffic().sent(), "datagrams sent");
        assertEquals(DATAGRAMS, o.traffic().noPorts(), "Udp NoPorts of the test's network namespace");
        assertEquals(o.outlasted().intervals(), o.blocks(), "blocks printed for -n " + o.outlasted().intervals() + "\n"
                + o.transcript());
        assertEquals(0, o.lost(), "events lost\n" + o.transcript());
        assertEquals(o.traffic().noPorts(), o.counted(),
                "total of __udp4_lib_rcv NO_SOCKET in the last block\n" + o.transcript());
    }

    private static Observed runOnce(int attempt) {
        int n = intervals(attempt);
        try (Netns net = Netns.create();
                ShellProcess top = ShellProcess.start(List.of(), "top", "--batch", "-n", Integer.toString(n),
                        "--interval", Integer.toString(INTERVAL_MILLIS), "--source", "tracepoint", "--ring-pages", RING_PAGES)) {
            // The first block is printed once the kernel has been delivering for an interval.
            top.awaitLine(TopBatchIT::isHeader, "a block header", 0);
            Netns.Traffic traffic = net.send("noport", DATAGRAMS);
            Outlasted outlasted = new Outlasted(headers(top.stdout()), n);
            LastBlock b = lastBlock(top, n);
            return new Observed(traffic, b.totals().getOrDefault(KnownDrops.NO_SOCKET, 0L), b.lost(), outlasted,
                    headers(top.stdout()), top.transcript());
        }
    }

    /** The last block of a top that ended: its lost total, and its rows' totals by symbol and reason. */
    private record LastBlock(long lost, Map<KnownDrops.DropKey, Long> totals) {
    }

    /** Waits for {@code top} to end cleanly (its -n blocks at most) and reads its last block. */
    private static LastBlock lastBlock(ShellProcess top, int n) {
        assertEquals(0, top.awaitExit(Commands.TIMEOUT.plusMillis((long) n * INTERVAL_MILLIS)), top.transcript());
        assertEquals("", top.stderr(), "dropscope's stderr");
        TopBlock b = TopBlock.last(top.stdout());
        assertTrue(isHeader(b.header()), b.header());
        Map<KnownDrops.DropKey, Long> totals = new HashMap<>();
        b.rows().forEach(r -> totals.merge(new KnownDrops.DropKey(r.symbol(), r.reason()), r.total(), Long::sum));
        return new LastBlock(b.lostTotal(), totals);
    }

    /** The last block of one run with {@link KnownDrops}, and what the kernel counted. */
    private record Kinds(Map<KnownDrops.DropKey, Long> expected, Map<KnownDrops.DropKey, Long> counted, long lost,
            Outlasted outlasted, String transcript) {
        /** Why the run must be repeated: the traffic outlasted top, or other processes' drops. */
        String disturbance() {
            String slow = outlasted.why();
            return slow != null ? slow : KnownDrops.disturbance(expected, counted, lost);
        }
    }

    @Test
    void theLastBlockCountsEachKindOfDropExactlyBySymbolAndReason() {
        Kinds k = Interference.repeatWhileDisturbed("TopBatchIT kinds", attempt -> runKinds(attempt), Kinds::disturbance);
        assertEquals(null, k.outlasted().why(), "top still ran when the traffic ended\n" + k.transcript());
        assertEquals(0, k.lost(), "events lost\n" + k.transcript());
        assertEquals(3, k.expected().size(), "kinds caused: " + k.expected());
        assertEquals(k.expected(), KnownDrops.only(k.expected(), k.counted()), "totals of the last block\n"
                + k.transcript());
    }

    @Test
    void theFilterKeepsOnlyTheDropsItNames() {
        Kinds k = Interference.repeatWhileDisturbed("TopBatchIT filter", attempt -> runKinds(attempt, "--filter",
                "reason == SOCKET_RCVBUFF || symbol == __udp4_lib_rcv"), Kinds::disturbance);
        assertEquals(null, k.outlasted().why(), "top still ran when the traffic ended\n" + k.transcript());
        Map<KnownDrops.DropKey, Long> kept = new HashMap<>(k.expected());
        kept.remove(KnownDrops.NETFILTER_DROP);
        assertEquals(kept, KnownDrops.only(kept, k.counted()), "kept kinds in the last block\n" + k.transcript());
        k.counted().forEach((key, n) -> assertTrue(kept.containsKey(key) || key.symbol().equals("__udp4_lib_rcv")
                || key.reason().equals("SOCKET_RCVBUFF"), key + " (" + n + ") is not what the filter keeps\n"
                + k.transcript()));
    }

    private static Kinds runKinds(int attempt, String... extra) {
        int n = intervals(attempt);
        List<String> args = new ArrayList<>(List.of("top", "--batch", "-n", Integer.toString(n),
                "--interval", Integer.toString(INTERVAL_MILLIS), "--source", "tracepoint", "--ring-pages", RING_PAGES));
        args.addAll(List.of(extra));
        try (KnownDrops drops = KnownDrops.create();
                ShellProcess top = ShellProcess.start(List.of(), args.toArray(new String[0]))) {
            top.awaitLine(TopBatchIT::isHeader, "a block header", 0);
            Map<KnownDrops.DropKey, Long> expected = drops.cause(KnownDrops.DEFAULT);
            Outlasted outlasted = new Outlasted(headers(top.stdout()), n);
            LastBlock b = lastBlock(top, n);
            return new Kinds(KnownDrops.placed(expected, b.totals()), b.totals(), b.lost(), outlasted, top.transcript());
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
