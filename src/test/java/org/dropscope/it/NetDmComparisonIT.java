// SPDX-License-Identifier: Apache-2.0
package org.dropscope.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.dropscope.it.DropwatchText.PacketBlock;
import org.dropscope.it.DropwatchText.SummaryLine;
import org.dropscope.it.VmScenario.Session;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * dropscope against Debian's dropwatch, line by line: every scenario that names both tools ran
 * them one after the other in the same boot of Debian's 6.1 kernel (docs/netdm-vm.md), on the
 * same traffic, so the addresses, symbols and the kernel's counts are the same for both.
 *
 * <p>What may differ, and why: the prompt word ({@code dropwatch>} / {@code dropscope>}); the
 * alert lines' split (the kernel sends one summary line per drop point, CPU and second, so the
 * same drops arrive in different pieces: compared summed per address); timestamps; the tail-drop
 * figures of {@code stats} (each tool's run has its own burst); drops the scenario did not cause
 * (each JVM or dropwatch start adds its own); the session statistics dropscope prints after the
 * kernel's in {@code stats} (dropwatch has none); and how a loss on the alert socket shows:
 * dropwatch's small socket overflows in bursts and it prints recv(2)'s ENOBUFS as it happens,
 * dropscope's larger one rarely does, and it counts the loss and says so when monitoring stops;
 * and dropwatch's "Waiting for deactivation ack..." for an alert that arrives between its STOP and
 * the kernel's acknowledgement (dropscope prints such alerts and waits silently).
 */
@Tag("kernel")
class NetDmComparisonIT {
    private static final Pattern SUMMARY_LINE = Pattern.compile("\\d+ drops at .*");
    private static final Pattern PROMPT = Pattern.compile("^(dropwatch|dropscope)> ");
    private static final Pattern TAIL_DROPPED = Pattern.compile("^Tail dropped: \\d+$");
    private static final Pattern SOCKET_LOSS = Pattern.compile("Receive operation failed:: No buffer space available"
            + "|Lost \\d+ drop events in this session: .*");
    /** dropwatch's line for each message that arrives between its STOP and the kernel's ACK: timing. */
    private static final String WAITING_FOR_ACK = "Waiting for deactivation ack...";
    private static final List<String[]> CAUSED = List.of(
            new String[] {NetDmScenarios.UDP_RECEIVE, NetDmScenarios.NO_SOCKET},
            new String[] {NetDmScenarios.UDP_QUEUE, NetDmScenarios.SOCKET_RCVBUFF});

    private static NetDmVm.Results vm;

    @BeforeAll
    static void boot() {
        vm = NetDmVm.results();
    }

    /** Scenarios both tools ran. */
    static List<String> compared() {
        List<String> both = new ArrayList<>();
        for (String[] run : NetDmVm.runs()) {
            if (run[1].equals("dropscope") && NetDmVm.tools(run[0]).contains("dropwatch")) {
                both.add(run[0]);
            }
        }
        return both;
    }

    @ParameterizedTest
    @MethodSource("compared")
    void everyLineButTheAlertsIsDropwatchsLine(String scenario) {
        VmScenario dropwatch = vm.scenario(scenario, "dropwatch").assertRan();
        VmScenario dropscope = vm.scenario(scenario, "dropscope").assertRan();
        List<String> expected = replies(dropwatch.output(NetDmScenarios.MON));
        List<String> actual = replies(dropscope.output(NetDmScenarios.MON));
        assertFalse(expected.isEmpty(), dropwatch::describe);
        assertEquals(String.join("\n", expected), String.join("\n", actual), () -> scenario
                + ": the lines that are not alerts\n" + dropscope.describe());
    }

    /** Compared scenarios whose alerts are the caused drops (alertlimit's one line may be any drop). */
    static List<String> comparedAlerts() {
        return compared().stream().filter(s -> !s.equals("alertlimit")).toList();
    }

    @ParameterizedTest
    @MethodSource("comparedAlerts")
    void theCausedDropsPrintTheSameAlertsPerSession(String scenario) {
        VmScenario dropwatch = vm.scenario(scenario, "dropwatch").assertRan();
        VmScenario dropscope = vm.scenario(scenario, "dropscope").assertRan();
        List<Session> theirs = dropwatch.sessions(NetDmScenarios.MON);
        List<Session> ours = dropscope.sessions(NetDmScenarios.MON);
        assertEquals(theirs.size(), ours.size(), "monitoring sessions");
        for (int i = 0; i < theirs.size(); i++) {
            Map<String, Long> summaryTheirs = summary(theirs.get(i).lines());
            Map<String, Long> packetTheirs = packets(theirs.get(i).lines());
            assertFalse(summaryTheirs.isEmpty() && packetTheirs.isEmpty(), () -> "dropwatch printed no caused"
                    + " drop\n" + dropwatch.describe());
            int session = i;
            if (!scenario.equals("queue")) {
                // The same traffic, the same counts (a full queue cuts them by timing).
                assertEquals(summaryTheirs, summary(ours.get(i).lines()), () -> "summary lines, session " + session);
                assertEquals(packetTheirs, packets(ours.get(i).lines()), () -> "packet blocks, session " + session);
            } else {
                // Same shape: the same drop points and field sets, whatever the counts.
                assertEquals(summaryTheirs.keySet(), summary(ours.get(i).lines()).keySet(),
                        () -> "drop points, session " + session);
                assertEquals(packetTheirs.keySet(), packets(ours.get(i).lines()).keySet(),
                        () -> "packet block kinds, session " + session);
            }
        }
    }

    /** The output without alerts, prompts named alike, per-run figures blanked. */
    static List<String> replies(List<String> out) {
        List<String> kept = new ArrayList<>();
        boolean inBlock = false;
        boolean inSessionStats = false;
        for (String line : out) {
            String l = PROMPT.matcher(line).replaceFirst("PROMPT> ");
            if (inBlock) {
                inBlock = !l.isEmpty();
                continue;
            }
            if (l.startsWith("drop at: ")) {
                inBlock = true;
                continue;
            }
            if (l.startsWith("Statistics of the ")) {
                inSessionStats = true;
            } else if (l.startsWith("PROMPT> ")) {
                inSessionStats = false;
            }
            if (inSessionStats || SUMMARY_LINE.matcher(l).matches() || SOCKET_LOSS.matcher(l).matches()
                    || l.equals(WAITING_FOR_ACK)) {
                continue;
            }
            kept.add(TAIL_DROPPED.matcher(l).matches() ? "Tail dropped: N" : l);
        }
        return kept;
    }

    /** Summed counts per printed location, at the drop points the scenarios cause. */
    private static Map<String, Long> summary(List<String> session) {
        Map<String, Long> sums = new TreeMap<>();
        for (SummaryLine l : DropwatchText.summaryLines(session)) {
            if (CAUSED.stream().anyMatch(c -> c[0].equals(l.symbol()))) {
                sums.merge(l.symbol() + "+" + Long.toHexString(l.offset()) + " 0x" + Long.toHexString(l.address()),
                        l.count(), Long::sum);
            }
        }
        return sums;
    }

    /** Blocks per printed content (everything but the timestamp), at the caused drop points. */
    private static Map<String, Long> packets(List<String> session) {
        Map<String, Long> kinds = new TreeMap<>();
        for (String[] c : CAUSED) {
            for (PacketBlock b : DropwatchText.blocks(DropwatchText.packetBlocks(session), c[0], c[1])) {
                Map<String, String> fields = new TreeMap<>(b.fields());
                fields.remove("timestamp");
                assertTrue(b.fields().containsKey("timestamp"), b::toString);
                kinds.merge(b.symbol() + " 0x" + Long.toHexString(b.pc()) + " " + fields, 1L, Long::sum);
            }
        }
        return kinds;
    }
}
