// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import static org.dropscope.cli.FakeNetDm.SUMMARY;
import static org.dropscope.cli.FakeNetDm.TRUNCATED;
import static org.dropscope.cli.FakeNetDm.WHOLE;
import static org.dropscope.cli.FakeNetDm.fixture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.dropscope.netlink.NlMsgDecoder;
import org.dropscope.netlink.dropmon.NetDmPacketAlert;
import org.dropscope.netlink.dropmon.NetDmPacketAlertDecoder;
import org.dropscope.nativeio.NetlinkConstants;
import org.dropscope.pcap.NetlinkPcap;
import org.dropscope.pcap.PcapReader;
import org.dropscope.pcap.PcapWriter;
import org.dropscope.testing.Tshark;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pcap {@code dropscope dump} writes, read by Wireshark's own dissectors through tshark: the
 * family list names NET_DM's family id, so that the alerts after it decode as {@code net_dm} with
 * the values the kernel put in them, and their payloads as the packets that were dropped. The
 * dump runs its real code path against messages Debian's 6.1 kernel sent ({@link FakeNetDm}).
 *
 * <p>Needs tshark (scripts/install-deps installs it): skipped with the reason without it, failed
 * under CI=true.
 */
class DumpTsharkTest {
    /** The tshark fields asked for. The names are tshark's ({@code tshark -G fields}). */
    static final Tshark TSHARK = new Tshark(List.of("frame.number", "genl.ctrl.family_name", "genl.ctrl.family_id",
            "net_dm.cmd", "net_dm.origin", "net_dm.pc", "net_dm.symbol", "net_dm.proto", "net_dm.orig_len",
            "net_dm.port.netdev_index", "ip.dst", "udp.dstport", "data.data"));

    @TempDir
    static Path dir;
    private static Path pcap;

    @BeforeAll
    static void dump() {
        Tshark.require();
        FakeNetDm net = new FakeNetDm().wholeDump();
        net.alerts.script.then(fixture(TRUNCATED)).then(fixture(WHOLE)).then(fixture(SUMMARY));
        pcap = dir.resolve("dump.pcap");
        FakeNetDm.Run r = net.run("-w", pcap.toString(), "-t", "64");
        assertEquals(ExitCodes.OK, r.exit(), r.err());
    }

    @Test
    void theFamilyListNamesNetDmsIdForWireshark() throws IOException {
        List<Map<String, String>> rows = TSHARK.records(pcap);
        assertEquals(6, rows.size(), "3 records of the family list, 3 alerts: " + rows);
        assertEquals("nlctrl", rows.get(0).get("genl.ctrl.family_name"));
        assertEquals("NET_DM", rows.get(1).get("genl.ctrl.family_name"));
        assertEquals(String.format("0x%04x", FakeNetDm.FAMILY_ID), rows.get(1).get("genl.ctrl.family_id"));
        assertEquals("", rows.get(2).get("genl.ctrl.family_name"), "NLMSG_DONE");
        for (Map<String, String> alert : rows.subList(3, 6)) {
            assertTrue(!alert.get("net_dm.cmd").isEmpty(), "decoded as net_dm: " + alert);
        }
    }

    @Test
    void packetAlertsDecodeAsNetDmWithTheKernelsValuesAndTheirPayloadsAsThePackets() throws IOException {
        List<Map<String, String>> rows = TSHARK.records(pcap);
        for (int i = 0; i < 2; i++) {
            String name = i == 0 ? TRUNCATED : WHOLE;
            NetDmPacketAlert a = NetDmPacketAlertDecoder.decode(NlMsgDecoder.decode(Unpooled.wrappedBuffer(
                    fixture(name))));
            Map<String, String> row = rows.get(3 + i);
            assertEquals("5", row.get("net_dm.cmd"), name + ": NET_DM_CMD_PACKET_ALERT");
            assertEquals(Integer.toString(a.origin()), row.get("net_dm.origin"), name);
            assertEquals(String.format("0x%016x", a.pc()), row.get("net_dm.pc"), name);
            assertEquals(a.symbol(), row.get("net_dm.symbol"), name);
            assertEquals(String.format("0x%04x", a.protocol()), row.get("net_dm.proto"), name);
            assertEquals(Long.toString(a.originalLength()), row.get("net_dm.orig_len"), name);
            assertEquals(Integer.toString(a.ifindex()), row.get("net_dm.port.netdev_index"), name);
            // The payload, from its Ethernet header on, is the dropped datagram to the closed port.
            assertEquals("127.0.0.1", row.get("ip.dst"), name);
            assertEquals("9", row.get("udp.dstport"), name);
            ByteBuffer payload = a.payload();
            byte[] udpData = new byte[payload.remaining() - 14 - 20 - 8];
            payload.position(payload.position() + 14 + 20 + 8).get(udpData);
            assertEquals(ByteBufUtil.hexDump(udpData), row.get("data.data"), name + ": the datagram's bytes");
            assertTrue(new String(udpData, StandardCharsets.US_ASCII).startsWith("dropscope"), name);
        }
        assertEquals(64, NetDmPacketAlertDecoder.decode(NlMsgDecoder.decode(Unpooled.wrappedBuffer(
                fixture(TRUNCATED)))).payloadLength(), "the fixture is cut to 64 bytes as -t 64 asks");
        assertEquals("1", rows.get(5).get("net_dm.cmd"), "the summary alert: NET_DM_CMD_ALERT");
    }

    @Test
    void withoutTheFamilyListWiresharkCannotTellTheAlertsAreNetDms() throws IOException {
        Path bare = dir.resolve("alerts-only.pcap");
        try (PcapReader in = new PcapReader(Files.newInputStream(pcap));
             OutputStream os = Files.newOutputStream(bare)) {
            PcapWriter out = new PcapWriter(os, NetlinkConstants.NETLINK_GENERIC);
            for (PcapReader.Record r = in.next(); r != null; r = in.next()) {
                if (r.number() > 3) {
                    out.write(r.epochNanos() / 1000, NetlinkPcap.PACKET_OUTGOING, r.message());
                }
            }
        }
        List<Map<String, String>> rows = TSHARK.records(bare);
        assertEquals(3, rows.size());
        for (Map<String, String> row : rows) {
            assertEquals("", row.get("net_dm.cmd"), "no family list, no net_dm: " + row);
        }
    }
}
