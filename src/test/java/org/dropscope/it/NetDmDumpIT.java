// SPDX-License-Identifier: Apache-2.0
package org.dropscope.it;

import static org.dropscope.it.NetDmScenarios.NET_DM_MAX_SYMBOL_LEN;
import static org.dropscope.it.NetDmScenarios.NO_SOCKET;
import static org.dropscope.it.NetDmScenarios.UDP_RECEIVE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dropscope.ksym.Symbolizer;
import org.dropscope.netlink.GenlFamily;
import org.dropscope.netlink.GenlFamilyDecoder;
import org.dropscope.netlink.NetlinkLayout;
import org.dropscope.netlink.NlMsg;
import org.dropscope.netlink.NlMsgDecoder;
import org.dropscope.netlink.NlMsgHeader;
import org.dropscope.netlink.dropmon.NetDmCmd;
import org.dropscope.netlink.dropmon.NetDmConstants;
import org.dropscope.netlink.dropmon.NetDmPacketAlert;
import org.dropscope.netlink.dropmon.NetDmPacketAlertDecoder;
import org.dropscope.pcap.PcapReader;
import org.dropscope.testing.Tshark;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code dropscope dump} on a real kernel: dump.scenario in the NET_DM guest (Debian's 6.1, the
 * boot {@link NetDmVm} shares with every NET_DM test) wrote dump.pcap with {@code -t 64} while 50
 * datagrams went to a closed port, and was stopped with Ctrl-C. The file is read with the
 * project's {@link PcapReader} and with tshark, and checked against what the kernel counted. A
 * second dump was ended with SIGTERM.
 */
@ExtendWith(MachineLock.class)
@Tag("kernel")
class NetDmDumpIT {
    static final String INSTANCE = "dump";
    static final int TRUNC = 64;
    /** The second dump, ended with SIGTERM. */
    static final String TERMINATED = "term";

    private static NetDmVm.Results vm;
    private static VmScenario scenario;
    /** Every message of dump.pcap, copied out, in order. */
    private static List<byte[]> records;
    private static int families;

    @BeforeAll
    static void read() throws IOException {
        vm = NetDmVm.results();
        scenario = vm.scenario(NetDmScenarios.DUMP_SCENARIO, NetDmScenarios.DUMP_TOOL).assertRan();
        records = new ArrayList<>();
        try (PcapReader r = new PcapReader(Files.newInputStream(pcap()))) {
            for (PcapReader.Record rec = r.next(); rec != null; rec = r.next()) {
                byte[] b = new byte[rec.message().readableBytes()];
                rec.message().readBytes(b);
                records.add(b);
                if (families == 0 && header(b).isDone()) {
                    families = records.size();
                }
            }
        }
    }

    static Path pcap() {
        return scenario.dir().resolve("dump.pcap");
    }

    @Test
    void theFirstRecordsAreTheFamilyListAndNameNetDm() {
        assertTrue(families >= 3, "the family list, ended by NLMSG_DONE, comes first: " + families + " records");
        List<GenlFamily> listed = new ArrayList<>();
        for (byte[] r : records.subList(0, families - 1)) {
            NlMsg m = message(r);
            assertEquals(NetlinkLayout.GENL_ID_CTRL, m.type(), "a controller message");
            assertTrue(m.header().hasFlags(NetlinkLayout.NLM_F_MULTI), "part of a dump");
            listed.add(GenlFamilyDecoder.decode(m));
        }
        GenlFamily netDm = listed.stream().filter(f -> f.name().equals(NetDmConstants.NET_DM_FAMILY_NAME))
                .findFirst().orElseThrow(() -> new AssertionError("no NET_DM in " + listed));
        assertTrue(listed.stream().anyMatch(f -> f.name().equals("nlctrl")), listed::toString);
        for (byte[] r : records.subList(families, records.size())) {
            assertEquals(netDm.id(), header(r).type(), "after the list, NET_DM's messages only");
        }
    }

    @Test
    void theNoSocketAlertsAtTheUdpReceiveFunctionAreExactlyTheKernelsUdpNoPorts() {
        long noPorts = scenario.traffic().stream().mapToLong(t -> t.delta("NoPorts")).sum();
        assertEquals(scenario.traffic().get(0).sent(), noPorts, "every datagram to the closed port counted");
        assertEquals(noPorts, ours().size(), scenario::describe);
    }

    @Test
    void payloadsAreCutToTheTruncationLengthAndTheAlertsAreTheKernels() throws IOException {
        Symbolizer guest = vm.symbolizer();
        int loopback = scenario.loopbackIfindex();
        List<NetDmPacketAlert> all = packetAlerts();
        assertFalse(all.isEmpty());
        for (NetDmPacketAlert a : all) {
            assertTrue(a.payloadLength() <= TRUNC, a + ": payload cut to " + TRUNC);
        }
        for (NetDmPacketAlert a : ours()) {
            assertTrue(a.originalLength() > TRUNC, "the scenario's datagrams are longer than " + TRUNC);
            assertEquals(TRUNC, a.payloadLength(), a::toString);
            assertEquals(0x800, a.protocol(), "IPv4");
            assertEquals(loopback, a.ifindex(), "received on the namespace's loopback");
            String ps = guest.percentPS(a.pc());
            assertEquals(ps.substring(0, Math.min(ps.length(), NET_DM_MAX_SYMBOL_LEN - 1)), a.symbol(),
                    "the kernel's %pS of the PC, from the guest's kallsyms");
        }
    }

    @Test
    void tsharkDecodesTheAlertsAsNetDmAndTheirPayloadsAsTheDatagrams() throws IOException {
        Tshark.require();
        List<Map<String, String>> rows = new Tshark(List.of("genl.ctrl.family_name", "net_dm.cmd", "net_dm.symbol",
                "net_dm.orig_len", "ip.dst", "udp.dstport")).records(pcap());
        assertEquals(records.size(), rows.size());
        assertTrue(rows.subList(0, families).stream().anyMatch(r -> r.get("genl.ctrl.family_name").equals("NET_DM")));
        long decoded = rows.stream().filter(r -> r.get("net_dm.cmd").equals("5")
                && r.get("net_dm.symbol").startsWith(UDP_RECEIVE + "+") && r.get("ip.dst").equals("127.0.0.1")
                && r.get("udp.dstport").equals(Integer.toString(UdpTraffic.CLOSED_PORT))).count();
        assertEquals(ours().size(), decoded, "alerts tshark decodes as net_dm, with the dropped datagram inside");
    }

    @Test
    void ctrlCEndsTheDumpWithExitZeroAndOneLineOfCounts() throws IOException {
        Matcher m = lastLine(INSTANCE, "dump.pcap");
        assertEquals(records.size(), Long.parseLong(m.group(1)), "records");
        assertEquals(families, Long.parseLong(m.group(2)), "the family list");
        assertEquals(records.size() - families, Long.parseLong(m.group(3)), "NET_DM messages");
        assertEquals(0, Long.parseLong(m.group(4)), "a 1 MiB socket holds 50 alerts: nothing lost");
    }

    @Test
    void sigtermEndsADumpAsCleanly() throws IOException {
        Matcher m = lastLine(TERMINATED, "term.pcap");
        assertEquals(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)) + Long.parseLong(m.group(3)));
        assertEquals(DropwatchText.lastShow(vm.netdmDefaults()), DropwatchText.lastShow(lines("show-after-term.txt")),
                "NET_DM's configuration (queue length 100 while it ran) put back");
    }

    /** The instance exited 0 and its last line counts what it wrote to {@code file} and lost. */
    private static Matcher lastLine(String instance, String file) throws IOException {
        assertEquals("0", Files.readString(scenario.dir().resolve(instance + ".exit")).trim(),
                instance + "'s exit code");
        List<String> out = scenario.output(instance);
        Pattern last = Pattern.compile("dropscope: " + Pattern.quote(file) + ": (\\d+) records, (\\d+) of the family"
                + " list and (\\d+) NET_DM messages; lost: (\\d+) on the socket \\(/proc/net/netlink Drops; ENOBUFS"
                + " (\\d+) times\\), (\\d+) tail-dropped by the kernel \\(queue full\\)");
        Matcher m = last.matcher(out.get(out.size() - 1));
        assertTrue(m.matches(), () -> instance + "'s last line: " + out);
        return m;
    }

    @Test
    void netDmIsConfiguredAsAskedWhileDumpingAndAsTheBootFoundItAfter() throws IOException {
        Map<String, String> during = DropwatchText.lastShow(lines("show-during.txt"));
        assertEquals(Map.of("Alert mode", "Packet", "Truncation length", Integer.toString(TRUNC),
                "Queue length", "1000"), during, "dropwatch's show while the dump ran");
        Map<String, String> boot = DropwatchText.lastShow(vm.netdmDefaults());
        assertEquals(3, boot.size(), vm.netdmDefaults()::toString);
        assertEquals(boot, DropwatchText.lastShow(lines("show-after.txt")),
                "dropwatch's show after the dump ended, before the runner's own reset");
    }

    private static List<String> lines(String file) throws IOException {
        return Files.readAllLines(scenario.dir().resolve(file));
    }

    /** The packet alerts of the dump, decoded. */
    private static List<NetDmPacketAlert> packetAlerts() {
        List<NetDmPacketAlert> alerts = new ArrayList<>();
        for (byte[] r : records.subList(families, records.size())) {
            NlMsg m = message(r);
            if (m.genlHeader().cmd() == NetDmCmd.NET_DM_CMD_PACKET_ALERT.intValue()) {
                alerts.add(NetDmPacketAlertDecoder.decode(m));
            }
        }
        return alerts;
    }

    /** The alerts the scenario caused: NO_SOCKET at the UDP receive function. */
    private static List<NetDmPacketAlert> ours() {
        return packetAlerts().stream().filter(a -> NO_SOCKET.equals(a.reason())
                && a.symbol().startsWith(UDP_RECEIVE + "+")).toList();
    }

    private static NlMsg message(byte[] record) {
        return NlMsgDecoder.decode(Unpooled.wrappedBuffer(record));
    }

    private static NlMsgHeader header(byte[] record) {
        return message(record).header();
    }
}
