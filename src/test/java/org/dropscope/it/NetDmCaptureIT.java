// SPDX-License-Identifier: Apache-2.0
package org.dropscope.it;

import static org.dropscope.it.NetDmScenarios.MON;
import static org.dropscope.it.NetDmScenarios.NO_SOCKET;
import static org.dropscope.it.NetDmScenarios.UDP_QUEUE;
import static org.dropscope.it.NetDmScenarios.UDP_RECEIVE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.dropscope.it.DropwatchText.PacketBlock;
import org.dropscope.it.DropwatchText.SummaryLine;
import org.dropscope.it.VmScenario.Session;
import org.dropscope.netlink.dropmon.NetDmAttr;
import org.dropscope.netlink.dropmon.NetDmCmd;
import org.dropscope.netlink.dropmon.NetDmConstants;
import org.dropscope.testing.NetDmCapture;
import org.dropscope.testing.NlmonPcap;
import org.dropscope.testing.RawNetlink;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The nlmon capture of nlmon.scenario (same boot as {@link NetDmVmIT}): every NET_DM message
 * between dropwatch and the kernel, read from the wire, against what dropwatch printed and what the
 * kernel counted. The same capture, taken again by scripts/netdm-vm/capture-fixtures, is the source
 * of the byte fixtures in src/test/resources/fixtures/netlink.
 */
@Tag("kernel")
class NetDmCaptureIT {
    private static VmScenario scenario;
    private static NetDmCapture capture;

    @BeforeAll
    static void read() throws IOException {
        scenario = NetDmVm.results().scenario("nlmon", "dropwatch").assertRan();
        capture = NetDmCapture.of(NlmonPcap.messages(NlmonPcap.read(scenario.capture())));
    }

    @Test
    void theCaptureHoldsEveryKindOfNetDmMessageDropwatchCauses() {
        Set<String> kinds = new TreeSet<>();
        capture.messages().forEach(m -> kinds.add(capture.kind(m)));
        assertTrue(kinds.containsAll(List.of("ctrl-getfamily-request", "ctrl-family-reply", "config-get-request",
                "config-new", "stats-get-request", "stats-new", "config-request", "start-request", "stop-request",
                "ack", "error", "alert", "packet-alert")), "message kinds in the capture: " + kinds);
        RawNetlink reply = NetDmCapture.familyReply(capture.messages()).orElseThrow();
        // CTRL_ATTR_MCAST_GROUPS (7) > one group > CTRL_ATTR_MCAST_GRP_NAME (1), CTRL_ATTR_MCAST_GRP_ID (2)
        RawNetlink.Attr group = reply.genlAttribute(7).children().get(0);
        assertEquals(NetDmConstants.NET_DM_MCGRP_EVENTS, group.children().stream().filter(a -> a.type() == 1)
                .findFirst().orElseThrow().string());
        assertEquals(NetDmConstants.NET_DM_GRP_ALERT, group.children().stream().filter(a -> a.type() == 2)
                .findFirst().orElseThrow().u32(), "the events group's id, which the kernel keeps at 1");
    }

    @Test
    void aSecondClientIsRefusedConfigurationAndStartWhileMonitoring() {
        Map<Integer, Integer> errors = new HashMap<>();
        for (RawNetlink m : capture.messages()) {
            if (capture.kind(m).equals("error")) {
                RawNetlink request = capture.requestAnsweredBy(m).orElseThrow();
                errors.put(request.genlCmd(), m.error());
            }
        }
        assertEquals(Map.of(NetDmCmd.NET_DM_CMD_CONFIG.intValue(), -NetDmCapture.EBUSY,
                NetDmCmd.NET_DM_CMD_START.intValue(), -NetDmCapture.EAGAIN), errors, "errors by NET_DM command");
        assertTrue(scenario.output("busy").stream().anyMatch(l -> l.startsWith("Failed config request, error: ")));
        assertTrue(scenario.output("again").stream().anyMatch(l -> l.startsWith("Failed activation request, error: ")));
    }

    @Test
    void summaryAlertsOnTheWireAreTheLinesDropwatchPrinted() {
        Session session = scenario.sessions(MON).get(0);
        List<SummaryLine> printed = DropwatchText.summaryLines(session.lines());
        List<long[]> entries = new ArrayList<>();
        for (RawNetlink m : capture.messages()) {
            if (capture.kind(m).equals("alert")) {
                entries.addAll(dropPoints(m));
            }
        }
        for (SummaryLine l : printed) {
            assertTrue(entries.stream().anyMatch(e -> e[0] == l.address() && e[1] == l.count()),
                    () -> l + " is in no captured alert");
        }
        for (String function : List.of(UDP_RECEIVE, UDP_QUEUE)) {
            Set<Long> at = new TreeSet<>();
            printed.stream().filter(l -> function.equals(l.symbol())).forEach(l -> at.add(l.address()));
            long onWire = entries.stream().filter(e -> at.contains(e[0])).mapToLong(e -> e[1]).sum();
            assertEquals(DropwatchText.sum(printed, function), onWire, function);
        }
        assertEquals(session.delta("NoPorts"), DropwatchText.sum(printed, UDP_RECEIVE));
        assertEquals(session.delta("RcvbufErrors"), DropwatchText.sum(printed, UDP_QUEUE));
    }

    @Test
    void packetAlertsOnTheWireAreCutAsConfiguredAndAreTheBlocksDropwatchPrinted() {
        List<Session> sessions = scenario.sessions(MON);
        assertEquals(3, sessions.size(), scenario::describe);
        long printedOurs = 0;
        long noPorts = 0;
        for (Session s : sessions.subList(1, 3)) {
            printedOurs += DropwatchText.blocks(DropwatchText.packetBlocks(s.lines()), UDP_RECEIVE, NO_SOCKET).size();
            noPorts += s.delta("NoPorts");
        }
        long trunc = -1;
        long onWire = 0;
        List<String> lengths = new ArrayList<>();
        for (RawNetlink m : capture.messages()) {
            String kind = capture.kind(m);
            RawNetlink.Attr t = kind.equals("config-request") ? m.genlAttribute(NetDmAttr.NET_DM_ATTR_TRUNC_LEN
                    .intValue()) : null;
            if (t != null) {
                trunc = t.u32();
            } else if (kind.equals("packet-alert")) {
                long[] len = NetDmCapture.payloadAndOriginalLength(m);
                lengths.add(trunc + ":" + len[0] + "/" + len[1]);
                assertEquals(trunc == 0 ? len[1] : Math.min(trunc, len[1]), len[0], "payload with truncation " + trunc);
                RawNetlink.Attr symbol = m.genlAttribute(NetDmAttr.NET_DM_ATTR_SYMBOL.intValue());
                RawNetlink.Attr reason = m.genlAttribute(NetDmAttr.NET_DM_ATTR_REASON.intValue());
                if (symbol.string().startsWith(UDP_RECEIVE + "+") && NO_SOCKET.equals(reason.string())) {
                    onWire++;
                }
            }
        }
        assertTrue(lengths.stream().anyMatch(l -> l.startsWith("64:64/")) && lengths.stream().anyMatch(
                l -> l.startsWith("0:")), "packet alerts cut to 64 bytes and whole: " + lengths);
        assertEquals(noPorts, printedOurs, "NO_SOCKET blocks printed against Udp NoPorts");
        assertEquals(noPorts, onWire, "NO_SOCKET packet alerts captured against Udp NoPorts");
        List<PacketBlock> all = new ArrayList<>();
        sessions.subList(1, 3).forEach(s -> all.addAll(DropwatchText.packetBlocks(s.lines())));
        assertTrue(all.size() <= lengths.size(), "printed blocks " + all.size() + ", captured alerts " + lengths.size());
    }

    @Test
    void configurationAndStatisticsRepliesAreWhatDropwatchShowed() {
        List<String> out = scenario.output(MON);
        int firstShow = 0;
        while (!out.get(firstShow).startsWith("Alert mode: ")) {
            firstShow++;
        }
        Map<String, String> shown = DropwatchText.lastShow(out.subList(0, firstShow + 3));
        RawNetlink config = capture.messages().stream().filter(m -> capture.kind(m).equals("config-new")).findFirst()
                .orElseThrow();
        int mode = config.genlAttribute(NetDmAttr.NET_DM_ATTR_ALERT_MODE.intValue()).u8();
        assertEquals(mode == NetDmConstants.NET_DM_ALERT_MODE_SUMMARY ? "Summary" : "Packet", shown.get("Alert mode"));
        assertEquals(Long.parseLong(shown.get("Truncation length")),
                config.genlAttribute(NetDmAttr.NET_DM_ATTR_TRUNC_LEN.intValue()).u32());
        assertEquals(Long.parseLong(shown.get("Queue length")),
                config.genlAttribute(NetDmAttr.NET_DM_ATTR_QUEUE_LEN.intValue()).u32());
        RawNetlink stats = capture.messages().stream().filter(m -> capture.kind(m).equals("stats-new")).findFirst()
                .orElseThrow();
        long dropped = stats.genlAttribute(NetDmAttr.NET_DM_ATTR_STATS.intValue()).children().stream()
                .filter(a -> a.type() == NetDmConstants.NET_DM_ATTR_STATS_DROPPED).findFirst().orElseThrow().u64();
        assertEquals(DropwatchText.softwareTailDrops(out).get(0), dropped, "Tail dropped");
    }

    /** The (pc, count) pairs of a summary alert: one attribute of type 0 holding net_dm_alert_msg. */
    static List<long[]> dropPoints(RawNetlink alert) {
        byte[] msg = alert.genlAttribute(NetDmAttr.NET_DM_ATTR_UNSPEC.intValue()).payload();
        ByteBuffer b = ByteBuffer.wrap(msg).order(ByteOrder.LITTLE_ENDIAN);
        long entries = Integer.toUnsignedLong(b.getInt(NetDmConstants.NET_DM_ALERT_MSG_ENTRIES_OFFSET));
        assertEquals(NetDmConstants.NET_DM_ALERT_MSG_SIZE + entries * NetDmConstants.NET_DM_DROP_POINT_SIZE,
                msg.length, "net_dm_alert_msg with " + entries + " entries");
        List<long[]> points = new ArrayList<>();
        for (int i = 0; i < entries; i++) {
            int at = NetDmConstants.NET_DM_ALERT_MSG_SIZE + i * NetDmConstants.NET_DM_DROP_POINT_SIZE;
            points.add(new long[] {b.getLong(at + NetDmConstants.NET_DM_DROP_POINT_PC_OFFSET),
                    Integer.toUnsignedLong(b.getInt(at + NetDmConstants.NET_DM_DROP_POINT_COUNT_OFFSET))});
        }
        return points;
    }
}
