// SPDX-License-Identifier: Apache-2.0
package org.dropscope.it;

import static org.dropscope.it.DropwatchText.blocks;
import static org.dropscope.it.DropwatchText.packetBlocks;
import static org.dropscope.it.DropwatchText.summaryLines;
import static org.dropscope.it.NetDmScenarios.CLI_TOOL;
import static org.dropscope.it.NetDmScenarios.MON;
import static org.dropscope.it.NetDmScenarios.NET_DM_MAX_SYMBOL_LEN;
import static org.dropscope.it.NetDmScenarios.NO_SOCKET;
import static org.dropscope.it.NetDmScenarios.SOCKET_RCVBUFF;
import static org.dropscope.it.NetDmScenarios.UDP_QUEUE;
import static org.dropscope.it.NetDmScenarios.UDP_RECEIVE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.dropscope.cli.ExitCodes;
import org.dropscope.it.DropwatchText.PacketBlock;
import org.dropscope.it.DropwatchText.SummaryLine;
import org.dropscope.it.VmScenario.Session;
import org.dropscope.ksym.Symbolizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * NET_DM (drop_monitor) against a real kernel: Debian's 6.1, booted once under qemu for all of
 * these tests (see {@link NetDmVm} and docs/netdm-vm.md). Each test checks one scenario file of
 * src/test/netdm-vm, run by every tool its "tools:" line names, against what the kernel itself
 * counted: the scenario namespace's /proc/net/snmp, the guest's /proc/kallsyms, /proc/net/netlink
 * and NET_DM's own replies. NetDmCaptureIT checks the nlmon capture of the same boot.
 */
@Tag("kernel")
class NetDmVmIT {
    private static NetDmVm.Results vm;

    @BeforeAll
    static void boot() {
        vm = NetDmVm.results();
    }

    static List<String> summaryTools() {
        return NetDmVm.tools("summary");
    }

    static List<String> alertlimitTools() {
        return NetDmVm.tools("alertlimit");
    }

    static List<String> packetTools() {
        return NetDmVm.tools("packet");
    }

    static List<String> queueTools() {
        return NetDmVm.tools("queue");
    }

    @ParameterizedTest
    @MethodSource("summaryTools")
    void summaryCountsPerDropPointAddUpToTheNamespacesUdpCounters(String tool) {
        VmScenario s = vm.scenario("summary", tool).assertRan();
        Session session = s.onlySession(MON);
        List<SummaryLine> lines = summaryLines(session.lines());
        long noPorts = session.delta("NoPorts");
        long rcvbufErrors = session.delta("RcvbufErrors");
        assertEquals(session.traffic().get(0).sent(), noPorts, "Udp NoPorts: every datagram to the closed port");
        assertTrue(rcvbufErrors > 0, "Udp RcvbufErrors: the unread socket overflowed");
        assertEquals(noPorts, DropwatchText.sum(lines, UDP_RECEIVE), () -> "summed drops at " + UDP_RECEIVE
                + "\n" + s.describe());
        assertEquals(rcvbufErrors, DropwatchText.sum(lines, UDP_QUEUE), () -> "summed drops at " + UDP_QUEUE
                + "\n" + s.describe());
    }

    @ParameterizedTest
    @MethodSource("summaryTools")
    void summaryAddressesAreThePrintedSymbolsInTheGuestsKallsyms(String tool) throws IOException {
        VmScenario s = vm.scenario("summary", tool).assertRan();
        List<SummaryLine> lines = summaryLines(s.onlySession(MON).lines());
        assertFalse(lines.isEmpty(), s::describe);
        Symbolizer guest = vm.symbolizer();
        for (SummaryLine l : lines) {
            assertEquals(l.symbol() + "+" + Long.toHexString(l.offset()), guest.dropwatch(l.address()),
                    () -> l + ": the guest's kallsyms puts this address elsewhere");
        }
    }

    @ParameterizedTest
    @MethodSource("alertlimitTools")
    void anAlertLimitOfOneEndsMonitoringAfterTheFirstDropLine(String tool) {
        VmScenario s = vm.scenario("alertlimit", tool).assertRan();
        Session session = s.onlySession(MON);
        int limit = session.lines().indexOf(DropwatchText.ALERT_LIMIT);
        assertTrue(limit > 0, s::describe);
        assertEquals(1, summaryLines(session.lines().subList(0, limit)).size(), () -> "drop lines before the limit"
                + " message\n" + s.describe());
        // The rest of the alert message that reached the limit is still printed, nothing after it.
        assertTrue(DropwatchText.sum(summaryLines(session.lines()), UDP_RECEIVE) <= session.delta("NoPorts"),
                s::describe);
        List<String> out = s.output(MON);
        List<String> after = out.subList(session.start() + session.lines().size(), out.size());
        assertTrue(after.contains("Alert mode successfully set"), () -> "configuration, which the kernel refuses"
                + " while monitoring, is accepted after the limit\n" + s.describe());
    }

    @ParameterizedTest
    @MethodSource("packetTools")
    void packetBlocksAreExactlyTheKernelsDropsOfEachSession(String tool) {
        VmScenario s = vm.scenario("packet", tool).assertRan();
        List<Session> sessions = s.sessions(MON);
        assertEquals(2, sessions.size(), s::describe);
        for (Session session : sessions) {
            List<PacketBlock> blocks = packetBlocks(session.lines());
            long noPorts = session.delta("NoPorts");
            long rcvbufErrors = session.delta("RcvbufErrors");
            assertTrue(noPorts > 0 && rcvbufErrors > 0, s::describe);
            assertEquals(noPorts, blocks(blocks, UDP_RECEIVE, NO_SOCKET).size(), s::describe);
            assertEquals(rcvbufErrors, blocks(blocks, UDP_QUEUE, SOCKET_RCVBUFF).size(), s::describe);
        }
    }

    @ParameterizedTest
    @MethodSource("packetTools")
    void packetPayloadsAreCutToTheTruncationLengthTheKernelReports(String tool) throws IOException {
        VmScenario s = vm.scenario("packet", tool).assertRan();
        List<String> out = s.output(MON);
        Symbolizer guest = vm.symbolizer();
        int loopback = s.loopbackIfindex();
        List<Long> truncations = new java.util.ArrayList<>();
        for (Session session : s.sessions(MON)) {
            Map<String, String> show = DropwatchText.lastShow(out.subList(0, session.start()));
            assertEquals("Packet", show.get("Alert mode"), () -> "show before the session\n" + s.describe());
            long trunc = Long.parseLong(show.get("Truncation length"));
            truncations.add(trunc);
            List<PacketBlock> ours = new java.util.ArrayList<>(blocks(packetBlocks(session.lines()), UDP_RECEIVE,
                    NO_SOCKET));
            ours.addAll(blocks(packetBlocks(session.lines()), UDP_QUEUE, SOCKET_RCVBUFF));
            assertFalse(ours.isEmpty(), s::describe);
            for (PacketBlock b : ours) {
                long expected = trunc == 0 ? b.originalLength() : Math.min(trunc, b.originalLength());
                assertEquals(expected, b.length(), () -> b + " with truncation length " + trunc);
                assertEquals("software", b.fields().get("origin"), b::toString);
                assertEquals("0x800", b.fields().get("protocol"), () -> b + ": an IPv4 packet (ETH_P_IP)");
                assertEquals(loopback, b.inputIfindex(), () -> b + ": received on the namespace's loopback");
                String ps = guest.percentPS(b.pc());
                assertEquals(ps.substring(0, Math.min(ps.length(), NET_DM_MAX_SYMBOL_LEN - 1)), b.symbol(),
                        () -> b + ": the kernel's %pS of the PC, from the guest's kallsyms");
            }
            if (trunc > 0) {
                assertTrue(ours.stream().allMatch(b -> b.originalLength() > trunc), "the scenario's datagrams are"
                        + " longer than the truncation length, or nothing shows it works");
            }
        }
        assertEquals(List.of(0L, 64L), truncations, "the truncation lengths packet.scenario sets");
    }

    @ParameterizedTest
    @MethodSource("queueTools")
    void aFullQueueIsCountedAsTailDrops(String tool) {
        VmScenario s = vm.scenario("queue", tool).assertRan();
        Session session = s.onlySession(MON);
        List<String> out = s.output(MON);
        long queue = Long.parseLong(DropwatchText.lastShow(out.subList(0, session.start())).get("Queue length"));
        assertEquals(10, queue, "the queue length queue.scenario sets, as the kernel reports it");
        List<Long> tails = DropwatchText.softwareTailDrops(out);
        assertEquals(2, tails.size(), s::describe);
        long tail = tails.get(1) - tails.get(0);
        long printed = blocks(packetBlocks(session.lines()), UDP_RECEIVE, NO_SOCKET).size();
        long socket = s.socketDrops(2);
        long noPorts = session.delta("NoPorts");
        assertTrue(tail > 0, () -> "tail drops after a burst of " + noPorts + " into a queue of " + queue + "\n"
                + s.describe());
        // Each drop is queued (then sent: printed, or lost on the socket) or tail-dropped. Stopping
        // discards what is still queued, at most one queue: the sender ran on one CPU.
        long accounted = printed + socket + tail;
        assertTrue(accounted <= noPorts && accounted >= noPorts - queue, () -> "printed " + printed + " + lost on"
                + " the socket " + socket + " + tail-dropped " + tail + " against Udp NoPorts " + noPorts);
    }

    @Test
    void anOverflowingSocketFailsRecvWithEnobufsAndEveryDropIsPrintedOrLost() {
        VmScenario s = vm.scenario("enobufs", "dropwatch").assertRan();
        Session session = s.onlySession(MON);
        long printed = blocks(packetBlocks(session.lines()), UDP_RECEIVE, NO_SOCKET).size();
        long socket = s.socketDrops(2) - s.socketDrops(1);
        List<Long> tails = DropwatchText.softwareTailDrops(s.output(MON));
        long tail = tails.get(tails.size() - 1) - tails.get(0);
        long enobufs = session.lines().stream().filter(l -> l.endsWith("No buffer space available")).count();
        assertTrue(socket > 0, () -> "the kernel dropped no alert on dropwatch's socket\n" + s.describe());
        assertTrue(enobufs > 0, () -> "recv(2) never reported ENOBUFS to dropwatch\n" + s.describe());
        assertEquals(session.delta("NoPorts"), printed + socket + tail, () -> "printed " + printed
                + " + lost on the socket " + socket + " + tail-dropped " + tail);
    }

    @Test
    void aReaderThatFallsBehindCountsEveryAlertTheKernelDroppedOnItsSocket() {
        VmScenario s = vm.scenario("overrun", "dropscope").assertRan();
        Session session = s.onlySession(MON);
        List<String> out = s.output(MON);
        long printed = blocks(packetBlocks(session.lines()), UDP_RECEIVE, NO_SOCKET).size();
        long socket = s.socketDrops(2) - s.socketDrops(1);
        List<Long> tails = DropwatchText.softwareTailDrops(out);
        long tail = tails.get(tails.size() - 1) - tails.get(0);
        assertTrue(socket > 0, () -> "the kernel dropped no alert on dropscope's socket\n" + s.describe());
        assertEquals(session.delta("NoPorts"), printed + socket + tail, () -> "printed " + printed
                + " + lost on the socket " + socket + " + tail-dropped " + tail);
        // dropscope's own account of the loss, when the session ends and in stats.
        int stopped = session.start() + session.lines().size();
        assertEquals(DropwatchText.STOPPED, out.get(stopped), s::describe);
        assertEquals("Lost " + socket + " drop events in this session: the kernel could not deliver them (stats shows"
                + " where)", out.get(stopped + 1), s::describe);
        assertTrue(out.contains("alerts dropped at the socket (/proc/net/netlink Drops): " + socket), s::describe);
        assertTrue(out.stream().anyMatch(l -> l.matches("alert socket overruns \\(ENOBUFS\\): [1-9][0-9]*")),
                () -> "recv(2) reported ENOBUFS\n" + s.describe());
    }

    @Test
    void sigtermWhileMonitoringStopsItRestoresNetDmAndExitsZero() {
        VmScenario s = vm.scenario("sigterm", "dropscope").assertRan();
        Session session = s.onlySession(MON);
        assertEquals(0, s.exitCode(MON), s::describe);
        assertEquals(session.delta("NoPorts"), blocks(packetBlocks(session.lines()), UDP_RECEIVE, NO_SOCKET).size(),
                s::describe);
        // dropwatch's words for the kernel's EBUSY, its extack message, then why and what to do.
        assertTrue(session.lines().contains("Failed config request, error: Device or resource busy (kernel:"
                + " drop_monitor: Cannot configure drop monitor during monitoring); the kernel refuses configuration"
                + " while monitoring: stop first"), s::describe);
        assertLeftAsFound(s);
    }

    @Test
    void withoutWhatNetDmNeedsOneLineSaysWhatIsMissingWithADocumentedExitCodeAndAutoUsesItWhereItIs() {
        VmScenario s = vm.scenario("errors", "dropscope").assertRan();
        assertOneErrorLine(s, "netns", 4, "NET_DM is visible only in the initial network namespace");
        assertOneErrorLine(s, "no-net-admin", 3, "needs CAP_NET_ADMIN");
        assertOneErrorLine(s, "no-sys-admin", 3, "needs CAP_SYS_ADMIN");
        List<String> auto = s.lines("auto.out");
        assertEquals(0, s.exitCode("auto"), auto::toString);
        assertTrue(auto.contains("Using NET_DM (drop_monitor)"), () -> "--source auto with drop_monitor: " + auto);
        assertEquals(DropwatchText.lastShow(vm.netdmDefaults()), DropwatchText.lastShow(auto), "NET_DM's show");
    }

    /** The case's output has exactly one error line, with {@code text}, and no stack trace. */
    private static void assertOneErrorLine(VmScenario s, String name, int exitCode, String text) {
        List<String> out = s.lines(name + ".out");
        List<String> errors = out.stream().filter(l -> l.startsWith("dropscope: ")).toList();
        assertEquals(1, errors.size(), () -> name + ": " + out);
        assertTrue(errors.get(0).contains(text), () -> name + ": " + errors.get(0));
        assertFalse(out.stream().anyMatch(l -> l.contains("Exception") || l.startsWith("\tat ")), () -> name + ": "
                + out);
        assertEquals(exitCode, s.exitCode(name), () -> name + ": " + out);
    }

    @Test
    void exitWhileMonitoringAndCtrlCAtAnIdlePromptRestoreNetDmToo() {
        VmScenario s = vm.scenario("exitpaths", "dropscope").assertRan();
        assertEquals(0, s.exitCode("a"), s::describe);
        assertEquals(ExitCodes.INTERRUPTED, s.exitCode("b"), s::describe);
        assertLeftAsFound(s);
    }

    @ParameterizedTest
    @MethodSource("dropscopeRuns")
    void dropscopeLeavesMonitoringOffAndNetDmConfiguredAsItFoundIt(String scenario, String tool) {
        assertLeftAsFound(vm.scenario(scenario, tool).assertRan());
    }

    /** Runs of the shell and of the other monitoring subcommands (dump is checked by NetDmDumpIT). */
    static List<Arguments> dropscopeRuns() {
        return NetDmVm.runs().stream().filter(r -> r[1].equals("dropscope") || r[1].equals(CLI_TOOL))
                .map(r -> Arguments.of(r[0], r[1])).toList();
    }

    /** Before the runner's reset: the boot's configuration, and the kernel accepts CONFIG (not monitoring). */
    private static void assertLeftAsFound(VmScenario s) {
        List<String> after = s.netdmAfter();
        assertEquals(DropwatchText.lastShow(vm.netdmDefaults()), DropwatchText.lastShow(after), () -> s.name()
                + ": NET_DM's configuration when dropscope had exited: " + after);
        assertTrue(after.contains("Queue length successfully set"), () -> s.name() + ": the kernel refused"
                + " configuration after dropscope exited, so monitoring was left on: " + after);
    }

    @Test
    void everyScenarioRanAndLeftNetDmConfiguredAsTheBootFoundIt() {
        Map<String, String> defaults = DropwatchText.lastShow(vm.netdmDefaults());
        assertEquals(3, defaults.size(), "NET_DM's configuration at boot: " + vm.netdmDefaults());
        for (String[] run : NetDmVm.runs()) {
            VmScenario s = vm.scenario(run[0], run[1]).assertRan();
            assertEquals(defaults, DropwatchText.lastShow(s.netdmReset()), () -> s.name() + " with " + s.tool()
                    + ": NET_DM's configuration after the reset: " + s.netdmReset());
        }
    }
}
