// SPDX-License-Identifier: Apache-2.0
package org.dropscope.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.TimeZone;
import java.util.regex.Pattern;
import org.dropscope.cli.CommandRun;
import org.dropscope.cli.ExitCodes;
import org.dropscope.it.DropwatchText.PacketBlock;
import org.dropscope.testing.NetDmCapture;
import org.dropscope.testing.NlmonPcap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code dropscope replay} on the three kinds of capture it promises to read, all made in this
 * run's NET_DM guest (docs/netdm-vm.md), resolved with that boot's saved /proc/kallsyms: an nlmon
 * capture (nlmon.scenario, against what dropwatch printed live), Debian's dwdump output
 * (dwdump.scenario) and dropscope's own dump (dump.scenario), both against the kernel's count.
 */
@Tag("kernel")
class ReplayIT {
    /** dropwatch's lines that answer no kernel message (the same set as ReplayCommandTest's). */
    private static final Pattern NOT_FROM_A_MESSAGE = Pattern.compile("dropwatch> .*|Initializing kallsyms db"
            + "|Getting .*|Setting .*|.* successfully set|Enabling monitoring\\.\\.\\.|Kernel monitoring activated\\."
            + "|Issue Ctrl-C to stop monitoring|Got a stop message|Shutting down \\.\\.\\.");

    private static NetDmVm.Results vm;
    private static TimeZone zone;

    @BeforeAll
    static void boot() {
        vm = NetDmVm.results();
        // The guest printed its timestamps in UTC; replay prints them in the local zone.
        zone = TimeZone.getDefault();
        TimeZone.setDefault(TimeZone.getTimeZone("UTC"));
    }

    @AfterAll
    static void restoreZone() {
        TimeZone.setDefault(zone);
    }

    /**
     * Runs {@code dropscope replay FILE --kallsyms <the boot's>} in this JVM; its stdout lines.
     * Standard error must be {@code expectedErr}.
     */
    private static List<String> replay(Path capture, String expectedErr) {
        CommandRun.Result r = CommandRun.dropscope("replay").run(capture.toString(), "--kallsyms",
                vm.dir().resolve("kallsyms.gz").toString());
        assertEquals(ExitCodes.OK, r.exit(), () -> capture + ": " + r.err());
        assertEquals(expectedErr, r.err(), capture::toString);
        return r.outLines();
    }

    @Test
    void anNlmonCaptureReplaysAsDropwatchPrintedItLive() {
        VmScenario s = vm.scenario("nlmon", "dropwatch").assertRan();
        List<String> live = s.output(NetDmScenarios.MON).stream().filter(l -> !NOT_FROM_A_MESSAGE.matcher(l).matches())
                .toList();
        assertTrue(live.stream().anyMatch(l -> l.startsWith("drop at: ")), s::describe);
        List<String> replayed = replay(s.capture(), "");
        // tcpdump, stopped after dropwatch exits, may leave the last replies (show, stats) in its
        // socket buffer unwritten: the capture then ends early, never in the middle of the alerts.
        assertTrue(replayed.size() <= live.size(), () -> "replayed more than dropwatch printed: " + replayed);
        assertEquals(String.join("\n", live.subList(0, replayed.size())), String.join("\n", replayed));
        assertEquals(live.stream().filter(ReplayIT::isAlertLine).toList(),
                replayed.stream().filter(ReplayIT::isAlertLine).toList(), "every alert line");
    }

    /** A summary line, or a line of a packet block (everything but show's and stats' replies). */
    private static boolean isAlertLine(String l) {
        return !l.startsWith("Alert mode: ") && !l.startsWith("Truncation length: ") && !l.startsWith("Queue length: ")
                && !l.endsWith(" statistics:") && !l.startsWith("Tail dropped: ");
    }

    @Test
    void dwdumpsPcapReplaysAsOneBlockPerDropTheKernelCounted() throws IOException {
        // dwdump 1.5.4's family list is cut short of NET_DM: the id comes from the alerts, and replay says so.
        VmScenario s = vm.scenario("dwdump", "dwdump").assertRan();
        Path file = s.dir().resolve("dwdump.pcap");
        assertOneBlockPerDrop(s, file, "dropscope: " + file + ": no NET_DM family reply in the capture (dwdump 1.5.4"
                + " writes only the first part of the family list); its alerts are those of generic netlink family id "
                + netDmFamilyId() + ", the only one whose messages all decode as NET_DM alerts (--family-id"
                + " overrides)\n");
    }

    @Test
    void dropscopeDumpsPcapReplaysAsOneBlockPerDropTheKernelCounted() {
        VmScenario s = vm.scenario(NetDmScenarios.DUMP_SCENARIO, NetDmScenarios.DUMP_TOOL).assertRan();
        assertOneBlockPerDrop(s, s.dir().resolve("dump.pcap"), "");
    }

    /** NET_DM's id in this boot, from the family reply in nlmon.scenario's capture. */
    private static int netDmFamilyId() throws IOException {
        Path capture = vm.scenario("nlmon", "dropwatch").assertRan().capture();
        return NetDmCapture.of(NlmonPcap.messages(NlmonPcap.read(capture))).familyId();
    }

    private static void assertOneBlockPerDrop(VmScenario s, Path file, String expectedErr) {
        List<PacketBlock> blocks = DropwatchText.packetBlocks(replay(file, expectedErr));
        long noPorts = s.traffic().stream().mapToLong(t -> t.delta("NoPorts")).sum();
        assertEquals(s.traffic().get(0).sent(), noPorts, s::describe);
        List<PacketBlock> ours = DropwatchText.blocks(blocks, NetDmScenarios.UDP_RECEIVE, NetDmScenarios.NO_SOCKET);
        assertEquals(noPorts, ours.size(), s::describe);
        for (PacketBlock b : ours) {
            assertEquals(64, b.length(), b::toString);
            assertEquals("0x800", b.fields().get("protocol"), b::toString);
        }
    }
}
