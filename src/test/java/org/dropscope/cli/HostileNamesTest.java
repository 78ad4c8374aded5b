// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import org.dropscope.event.DropEvent;
import org.dropscope.event.DropOrigin;
import org.dropscope.event.DropSink;
import org.dropscope.ksym.KernelSymbol;
import org.dropscope.names.DropNames;
import org.dropscope.names.Location;
import org.dropscope.names.Symbol;
import org.dropscope.netlink.NlMsgBuilder;
import org.dropscope.pcap.NetlinkPcap;
import org.dropscope.pcap.PcapWriter;
import org.dropscope.record.RecordFormat;
import org.dropscope.record.RecordHeader;
import org.dropscope.record.RecordWriter;
import org.dropscope.record.SourceKind;
import org.dropscope.testing.HostileText;
import org.dropscope.view.Printable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A record file and a NET_DM capture whose names (symbol, reason, trap, device, host, kernel,
 * description, filter) carry a clear-screen and a set-title sequence, a CR and a bidi override:
 * {@code report} in every format and {@code replay} print them escaped, never raw.
 */
class HostileNamesTest {
    private static final long SYM = 0xffffffff82046a90L;
    private static final long FRAME = 0xffffffff82045000L;
    private static final int REASON = 3;
    private static final String SYMBOL = HostileText.name("__udp4_lib_rcv");
    private static final String CALLER = HostileText.name("udp_queue_rcv_one_skb");
    private static final String REASON_NAME = HostileText.name("NO_SOCKET");
    private static final String TRAP = HostileText.name("ingress_vlan_filter");
    private static final String HOST = HostileText.name("bench");
    private static final String KERNEL = HostileText.name("6.18.0");
    private static final String DESCRIPTION = "tracepoint " + HostileText.ALL;
    private static final String FILTER = "symbol == \"" + HostileText.ALL + "\"";
    private static final int FAMILY = 0x1f;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** What the last {@link #run} printed. */
    private CommandRun.Result ran;

    private int run(String... args) {
        ran = CommandRun.dropscope().run(args);
        return ran.exit();
    }

    private String stdout() {
        return ran.out();
    }

    /** What the last run wrote on standard output, in the bytes a UTF-8 terminal gets. */
    private byte[] stdoutBytes() {
        return ran.out().getBytes(StandardCharsets.UTF_8);
    }

    /** What the last run wrote on standard error, in the bytes a UTF-8 terminal gets. */
    private byte[] stderrBytes() {
        return ran.err().getBytes(StandardCharsets.UTF_8);
    }

    /** Two software drops with a call chain, one hardware drop, all names hostile. */
    private Path recordFile() throws IOException {
        DropNames names = new DropNames() {
            @Override
            public Symbol symbolAt(long pc) {
                return (pc >= SYM && pc < SYM + 0x1000 ? new KernelSymbol(SYMBOL, null, SYM, 0x1000)
                        : new KernelSymbol(CALLER, null, FRAME, 0x400)).at(pc);
            }

            @Override
            public List<Location> stack(int id) {
                return locations(new long[] {SYM + 0x4bc, FRAME + 0x30});
            }

            @Override
            public String reason(int code) {
                return REASON_NAME;
            }

            @Override
            public String trap(int id) {
                return TRAP;
            }
        };
        long start = 5_000_000_000L;
        RecordHeader header = new RecordHeader(KERNEL, HOST, "5b0c0f3e", SourceKind.TRACEPOINT, DESCRIPTION,
                "name: kfree_skb\n", new RecordHeader.Clock(RecordFormat.CLOCK_MONOTONIC, start, 1_795_312_345_000_000_000L),
                2, FILTER, Map.of());
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        long[] clock = {start};
        try (RecordWriter w = new RecordWriter(file, header, names, new RecordWriter.Limits(64, Long.MAX_VALUE),
                () -> clock[0])) {
            for (int i = 0; i < 3; i++) {
                clock[0] = start + i * 1_000_000L;
                boolean hardware = i == 2;
                w.drop(new DropEvent().set(clock[0], 0, hardware ? DropOrigin.HARDWARE : DropOrigin.SOFTWARE,
                        hardware ? 0 : SYM + 0x4bc, hardware ? DropSink.NO_REASON : REASON,
                        hardware ? DropSink.NO_STACK : 7, 1).packet(0x0800, 1, 60));
            }
        }
        Path p = tmp.resolve("hostile.dsr");
        Files.write(p, file.toByteArray());
        return p;
    }

    /**
     * The family reply, a software packet alert (symbol, reason, device), a hardware packet alert
     * (trap group and name) and a hardware summary (trap name), as NET_DM sends them.
     */
    private Path capture() throws IOException {
        List<ByteBuf> messages = new ArrayList<>();
        messages.add(NlMsgBuilder.start(Unpooled.buffer(), 0x10, 0).genl(1, 2) // nlctrl CTRL_CMD_NEWFAMILY
                .u16(1, FAMILY).string(2, "NET_DM").finish());
        NlMsgBuilder sw = NlMsgBuilder.start(Unpooled.buffer(), FAMILY, 0).genl(5, 2) // NET_DM_CMD_PACKET_ALERT
                .u16(14, 0)                                    // NET_DM_ATTR_ORIGIN: software
                .u64(2, SYM + 0x4bc)                           // NET_DM_ATTR_PC
                .string(23, REASON_NAME)                       // NET_DM_ATTR_REASON
                // NET_DM_ATTR_SYMBOL, %pS: a name with no whitespace (CR is), or %pS would not parse
                .string(3, HostileText.name("__udp4_lib_rcv").replace("\r", "") + "+0x4bc/0xa60");
        int port = sw.beginNest(0x8000 | 4);                   // NET_DM_ATTR_IN_PORT
        sw.u32(0, 1).string(1, HostileText.name("eth0")).endNest(port); // ifindex, name
        messages.add(sw.u64(5, 1_795_312_345_123_456_789L)     // NET_DM_ATTR_TIMESTAMP
                .u32(10, 60).u16(6, 0x0800).finish());         // ORIG_LEN, PROTO
        messages.add(NlMsgBuilder.start(Unpooled.buffer(), FAMILY, 0).genl(5, 2)
                .u16(14, 1)                                    // NET_DM_ATTR_ORIGIN: hardware
                .string(15, HostileText.name("l2_drops"))      // NET_DM_ATTR_HW_TRAP_GROUP_NAME
                .string(16, TRAP)                              // NET_DM_ATTR_HW_TRAP_NAME
                .u64(5, 1_795_312_345_223_456_789L)
                .u32(10, 1514).finish());
        NlMsgBuilder summary = NlMsgBuilder.start(Unpooled.buffer(), FAMILY, 0).genl(1, 2) // NET_DM_CMD_ALERT
                .bytes(0, new byte[4]);                        // net_dm_alert_msg with 0 entries
        int entries = summary.beginNest(0x8000 | 17);          // NET_DM_ATTR_HW_ENTRIES
        int entry = summary.beginNest(0x8000 | 18);            // NET_DM_ATTR_HW_ENTRY
        summary.string(16, HostileText.name("blackhole_route")).u32(19, 5).endNest(entry).endNest(entries);
        messages.add(summary.finish());
        Path p = tmp.resolve("hostile.pcap");
        try (PcapWriter w = new PcapWriter(Files.newOutputStream(p), 16)) {
            long micros = 1_795_312_345_000_000L;
            for (ByteBuf m : messages) {
                w.write(micros++, NetlinkPcap.PACKET_HOST, m);
                m.release();
            }
        }
        return p;
    }

    private void assertSafe(String what) {
        HostileText.assertSafe(stdoutBytes(), what + " (standard output)");
        HostileText.assertNoRawControls(stderrBytes(), what + " (standard error)");
    }

    @Test
    void reportOfARecordFilePrintsEveryNameEscapedInEveryFormat() throws Exception {
        Path file = recordFile();
        for (String format : List.of("text", "csv", "dropwatch")) {
            assertEquals(ExitCodes.OK, run("report", "--format", format, file.toString()), () -> ran.err());
            assertSafe("report --format " + format);
            assertTrue(stdout().contains(Printable.word(TRAP)), stdout());
        }
        run("report", "--format", "text", file.toString());
        for (String s : List.of(SYMBOL, REASON_NAME, HOST, KERNEL)) {
            assertTrue(stdout().contains(Printable.word(s)), () -> Printable.word(s) + " in " + stdout());
        }
        assertTrue(stdout().contains(Printable.text(DESCRIPTION)) && stdout().contains(Printable.text(FILTER)), stdout());
        // The text table stays one word a name: count, symbol, reason.
        String row = stdout().lines().filter(l -> l.contains(Printable.word(SYMBOL))).findFirst().orElseThrow();
        assertEquals(3, row.trim().split("\\s+").length, row);

        run("report", "--format", "csv", "--group", "symbol,reason,stack", file.toString());
        assertSafe("report --format csv --group symbol,reason,stack");
        assertTrue(stdout().contains(Printable.word(SYMBOL) + "+4bc;" + Printable.word(CALLER) + "+30"), stdout());

        assertEquals(ExitCodes.OK, run("report", "--format", "text", "--group", "stack", file.toString()));
        assertSafe("report --group stack");
    }

    @Test
    void jsonEscapesTheCharactersAndKeepsTheValuesExact() throws Exception {
        Path file = recordFile();
        assertEquals(ExitCodes.OK, run("report", "--format", "json", "--group", "symbol,reason,stack", file.toString()),
                () -> ran.err());
        HostileText.assertNoRawControls(stdoutBytes(), "report --format json");
        String json = stdout();
        for (String e : List.of("\\u001B[2J", "\\u001B]0;owned\\u0007", "\\r", "\\u202E", "\\u009B[2J",
                "\\u007F")) {
            assertTrue(json.contains(e), () -> e + " in " + json);
        }
        JsonNode n = JSON.readTree(json);
        assertEquals(HOST, n.get("hostname").asText());
        assertEquals(KERNEL, n.get("kernel").asText());
        assertEquals(DESCRIPTION, n.get("description").asText());
        assertEquals(FILTER, n.get("recordingFilter").asText());
        Set<String> symbols = new TreeSet<>();
        n.get("rows").forEach(r -> symbols.add(r.get("symbol").asText()));
        assertEquals(new TreeSet<>(List.of(SYMBOL, TRAP)), symbols);
        JsonNode software = n.get("rows").get(0).get("symbol").asText().equals(SYMBOL) ? n.get("rows").get(0)
                : n.get("rows").get(1);
        assertEquals(REASON_NAME, software.get("reason").asText());
        assertEquals(SYMBOL + "+4bc", software.get("stack").get(0).asText());
    }

    @Test
    void foldedStacksAndTheSvgHoldNoRawControlAndTheSvgIsWellFormedXml() throws Exception {
        Path file = recordFile();
        Path svg = tmp.resolve("flame.svg");
        assertEquals(ExitCodes.OK, run("report", "--folded", "--svg", svg.toString(), file.toString()),
                () -> ran.err());
        assertSafe("report --folded");
        // Folded frames may hold no ';': the set-title sequence's becomes ':'.
        assertTrue(stdout().contains(Printable.text(CALLER.replace(';', ':')) + ";"
                + Printable.text(SYMBOL.replace(';', ':')) + " 2"), stdout());
        byte[] image = Files.readAllBytes(svg);
        HostileText.assertSafe(image, "report --svg");
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        assertEquals("svg", f.newDocumentBuilder().parse(svg.toFile()).getDocumentElement().getTagName());
    }

    @Test
    void reportOfACapturePrintsItsNamesEscaped() throws Exception {
        Path pcap = capture();
        for (String format : List.of("text", "csv", "dropwatch", "json")) {
            assertEquals(ExitCodes.OK, run("report", "--format", format, pcap.toString()), () -> ran.err());
            HostileText.assertNoRawControls(stdoutBytes(), "report of a capture, " + format);
            HostileText.assertNoRawControls(stderrBytes(), "report of a capture, " + format + " (standard error)");
        }
        run("report", "--format", "text", pcap.toString());
        for (String s : List.of(TRAP, REASON_NAME, HostileText.name("blackhole_route"))) {
            assertTrue(stdout().contains(Printable.word(s)), () -> Printable.word(s) + " in " + stdout());
        }
        assertTrue(stdout().contains(Printable.word(HostileText.name("__udp4_lib_rcv").replace("\r", ""))), stdout());
    }

    @Test
    void replayPrintsTheCapturesStringsEscapedAndOneWordEach() throws Exception {
        Path pcap = capture();
        assertEquals(ExitCodes.OK, run("replay", pcap.toString()), () -> ran.err());
        assertSafe("replay");
        List<String> lines = stdout().lines().toList();
        assertTrue(lines.contains("drop reason: " + Printable.word(REASON_NAME)), stdout());
        assertTrue(lines.contains("input port name: " + Printable.word(HostileText.name("eth0"))), stdout());
        assertTrue(lines.contains("drop at: " + Printable.word(TRAP) + " (" + Printable.word(HostileText.name("l2_drops"))
                + ")"), stdout());
        assertTrue(lines.contains("5 drops at " + Printable.word(HostileText.name("blackhole_route")) + " [hardware]"),
                stdout());
    }

    @Test
    void errorsThatQuoteAFileAreEscaped() throws Exception {
        Path kallsyms = tmp.resolve("kallsyms");
        Files.writeString(kallsyms, "ffffffff81000000 T _stext\nnot an address " + HostileText.ALL + "\n");
        assertEquals(ExitCodes.BAD_INPUT, run("replay", "--kallsyms", kallsyms.toString(), capture().toString()));
        HostileText.assertNoRawControls(stderrBytes(), "replay --kallsyms with a bad line");
        assertTrue(ran.err().contains("\\u202e"), () -> ran.err());
        Path named = tmp.resolve("drops" + HostileText.CLEAR + ".dsr");
        assertEquals(ExitCodes.BAD_INPUT, run("report", named.toString()));
        HostileText.assertNoRawControls(stderrBytes(), "report of a missing file");
        assertTrue(ran.err().contains("drops\\x1b[2J.dsr"), () -> ran.err());
    }
}
