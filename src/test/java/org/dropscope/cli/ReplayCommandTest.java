// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dropscope replay} on a genuine capture: netdm-6.1.pcap is every netlink message of a
 * Debian 6.1 guest while Debian's dropwatch ran nlmon.scenario, netdm-6.1-dropwatch.txt is what
 * that dropwatch printed, and the kallsyms snapshot is the same boot's (see
 * fixtures/netlink/netdm-6.1.md).
 */
class ReplayCommandTest {
    private static final Path FIXTURES = Path.of("src/test/resources/fixtures/netlink");
    private static final Path PCAP = FIXTURES.resolve("netdm-6.1.pcap");
    private static final Path KALLSYMS = Path.of("kallsyms-fixtures/debian-6.1.0-56-amd64-netdm.kallsyms.gz");
    /**
     * dropwatch's lines that answer no kernel message: the echoed commands, its own progress
     * lines, and the replies to ACKs (which say only that a request was accepted).
     */
    private static final Pattern NOT_FROM_A_MESSAGE = Pattern.compile("dropwatch> .*|Initializing kallsyms db"
            + "|Getting .*|Setting .*|.* successfully set|Enabling monitoring\\.\\.\\.|Kernel monitoring activated\\."
            + "|Issue Ctrl-C to stop monitoring|Got a stop message|Shutting down \\.\\.\\.");

    @TempDir
    Path tmp;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private TimeZone zone;

    @BeforeEach
    void captureWasTakenInUtc() {
        // dropwatch printed the packet timestamps in the guest's zone, UTC; replay uses the local one.
        zone = TimeZone.getDefault();
        TimeZone.setDefault(TimeZone.getTimeZone("UTC"));
    }

    @AfterEach
    void restoreZone() {
        TimeZone.setDefault(zone);
    }

    private int replay(String... args) {
        return CommandRun.dropscope("replay").printingTo(out, err).run(args).exit();
    }

    private List<String> outLines() {
        return out.toString().lines().toList();
    }

    @Test
    void printsWhatDropwatchPrintedForEveryMessageOfTheCapture() throws IOException {
        List<String> dropwatch = Files.readAllLines(FIXTURES.resolve("netdm-6.1-dropwatch.txt"), StandardCharsets.UTF_8)
                .stream().filter(l -> !NOT_FROM_A_MESSAGE.matcher(l).matches()).toList();
        assertEquals(ExitCodes.OK, replay(PCAP.toString(), "--kallsyms", KALLSYMS.toString()), err::toString);
        // show, stats, the summary session, two packet sessions and the last show and stats.
        assertTrue(dropwatch.stream().anyMatch(l -> l.matches("\\d+ drops at __udp4_lib_rcv\\+9a2 .*")), "fixture");
        assertTrue(dropwatch.contains("length: 64") && dropwatch.contains("Alert mode: Packet"), "fixture");
        assertEquals(String.join("\n", dropwatch), String.join("\n", outLines()));
        assertEquals("", err.toString());
    }

    /**
     * dwdump 1.5.4 writes only the first part of the family list, which need not name NET_DM:
     * the capture without its family messages still replays, with the id its alerts carry.
     */
    @Test
    void withoutTheFamilyReplyTheIdIsTheOneFamilyWhoseMessagesAreAllAlerts() throws IOException {
        assertEquals(ExitCodes.OK, replay(PCAP.toString(), "-l", "none"), err::toString);
        List<String> alertsOnly = outLines().stream().filter(l -> !l.startsWith("Alert mode: ")
                && !l.startsWith("Truncation length: ") && !l.startsWith("Queue length: ")
                && !l.endsWith(" statistics:") && !l.startsWith("Tail dropped: ")).toList();
        Path noFamily = tmp.resolve("no-family.pcap");
        Files.write(noFamily, Captures.alertsOnly(Files.readAllBytes(PCAP)));
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        assertEquals(ExitCodes.OK, replay(noFamily.toString(), "-l", "none"), err::toString);
        assertEquals(String.join("\n", alertsOnly), String.join("\n", outLines()));
        assertEquals("dropscope: " + noFamily + ": no NET_DM family reply in the capture (dwdump 1.5.4 writes only the"
                + " first part of the family list); its alerts are those of generic netlink family id 32, the only"
                + " one whose messages all decode as NET_DM alerts (--family-id overrides)\n", err.toString());
    }

    @Test
    void withoutSymbolsSummaryLinesGiveTheRawLocationAsDropwatchDoes() {
        assertEquals(ExitCodes.OK, replay(PCAP.toString(), "-l", "none"), err::toString);
        assertTrue(outLines().contains("5 drops at location 0xffffffff90cbcae2 [software]"), out::toString);
        // Packet blocks carry the kernel's own %pS: the same with or without symbols.
        assertTrue(outLines().contains("drop at: __udp4_lib_rcv+0x9a2/0xc30 (0xffffffff90cbcae2)"), out::toString);
    }

    @Test
    void aTruncatedCaptureKeepsEverythingBeforeTheDamageAndSaysWhere() throws IOException {
        byte[] whole = Files.readAllBytes(PCAP);
        Path cut = tmp.resolve("cut.pcap");
        Files.write(cut, Arrays.copyOf(whole, whole.length - 100));
        int rc = replay(cut.toString(), "-l", "none");
        assertEquals(ExitCodes.BAD_INPUT, rc);
        assertTrue(outLines().contains("5 drops at location 0xffffffff90cbcae2 [software]"), out::toString);
        String e = err.toString();
        assertTrue(e.startsWith("dropscope: " + cut + ": record "), e);
        assertTrue(e.contains(": file ends after ") && e.endsWith("the lines printed are those of the records before it\n"),
                e);
        assertFalse(e.contains("Exception"), e);
    }

    @Test
    void recordsCutByASmallSnapshotLengthAreNamedAndNotDecoded() throws IOException {
        Path cut = tmp.resolve("s96.pcap");
        Files.write(cut, Captures.snapshotLength(Files.readAllBytes(PCAP), 96));
        // The family reply (record 2, 212 bytes with its cooked header) is cut too: no family id.
        assertEquals(ExitCodes.BAD_INPUT, replay(cut.toString(), "-l", "none"));
        assertTrue(err.toString().endsWith("give the id with --family-id; it may be in a record the capture cut:"
                + " record 2 was cut to 96 of 212 bytes by the capture's snapshot length (tcpdump -s); capture with"
                + " -s 0 to keep whole messages\n"), err::toString);
        assertEquals("", out.toString());

        err.getBuffer().setLength(0);
        assertEquals(ExitCodes.BAD_INPUT, replay(cut.toString(), "-l", "none", "--family-id", "32"));
        // What fits in 96 bytes is replayed: show's and stats' answers, small summary alerts.
        assertTrue(outLines().contains("Alert mode: Summary") && outLines().contains("Tail dropped: 0"), out::toString);
        // Every packet alert is larger: each is named on its own line, none half-decoded.
        assertFalse(outLines().stream().anyMatch(l -> l.startsWith("drop at: ")), out::toString);
        List<String> errors = err.toString().lines().toList();
        assertFalse(errors.isEmpty());
        Pattern line = Pattern.compile("dropscope: " + Pattern.quote(cut.toString()) + ": record \\d+: cut to 96 of"
                + " \\d+ bytes by the capture's snapshot length \\(tcpdump -s\\); capture with -s 0 to keep whole"
                + " messages \\(skipped\\)");
        assertTrue(errors.stream().allMatch(l -> line.matcher(l).matches()), err::toString);
    }

    /** A packet alert timestamp of 2^63 or more is no time: the alert is skipped with a line naming it, not shown as 2554. */
    @Test
    void anAlertTimestampPastSixtyThreeBitsSkipsThatAlertNamingItsRecord() throws IOException {
        assertEquals(ExitCodes.OK, replay(PCAP.toString(), "-l", "none"), err::toString);
        List<String> whole = outLines();
        byte[] bad = Files.readAllBytes(PCAP);
        int record = Captures.setFirstAlertTimestamp(bad, Long.MIN_VALUE);
        Path f = tmp.resolve("bad-time.pcap");
        Files.write(f, bad);
        out.getBuffer().setLength(0);
        assertEquals(ExitCodes.BAD_INPUT, replay(f.toString(), "-l", "none"));
        assertEquals("dropscope: " + f + ": record " + record + ": NET_DM_CMD_PACKET_ALERT: NET_DM_ATTR_TIMESTAMP"
                + " 9223372036854775808 ns is past 2^63 - 1 (2262-04-11), the last time the kernel's ktime_t holds"
                + " (skipped)\n", err.toString());
        assertEquals(whole.stream().filter(l -> l.startsWith("drop at: ")).count() - 1,
                outLines().stream().filter(l -> l.startsWith("drop at: ")).count(), "that one alert is left out");
        assertFalse(out.toString().contains(" 2554 ") || out.toString().contains(" 1969 "), out::toString);
    }

    @Test
    void aFileThatIsNoCaptureIsRefusedWithItsName() throws IOException {
        Path text = tmp.resolve("notes.txt");
        Files.writeString(text, "this is not a pcap file, just some text of some length\n");
        assertEquals(ExitCodes.BAD_INPUT, replay(text.toString()));
        assertTrue(err.toString().startsWith("dropscope: " + text + ": "), err::toString);
        assertEquals("", out.toString());
    }

    @Test
    void aFileThatCannotBeReadIsNamedWithTheReasonInWords() throws IOException {
        Path absent = tmp.resolve("absent.pcap");
        assertEquals(ExitCodes.BAD_INPUT, replay(absent.toString()));
        assertEquals("dropscope: cannot read " + absent + ": no such file or directory\n", err.toString());
        err.getBuffer().setLength(0);
        assertEquals(ExitCodes.BAD_INPUT, replay(tmp.toString()));
        assertEquals("dropscope: cannot read " + tmp + ": is a directory\n", err.toString());
        err.getBuffer().setLength(0);
        assertEquals(ExitCodes.BAD_INPUT, replay(PCAP.toString(), "--kallsyms", absent.toString()));
        assertEquals("dropscope: cannot read --kallsyms " + absent + ": no such file or directory\n", err.toString());
        err.getBuffer().setLength(0);
        assertEquals(ExitCodes.BAD_INPUT, replay(PCAP.toString(), "--kallsyms", tmp.toString()));
        assertEquals("dropscope: cannot read --kallsyms " + tmp + ": is a directory\n", err.toString());
        assertEquals("", out.toString());
    }

    /** What is wrong with a file that is no capture comes first, not the family id it lacks. */
    @Test
    void aFileThatIsNoCaptureSaysWhyWithOrWithoutFamilyId() throws IOException {
        for (Map.Entry<String, byte[]> f : Captures.noCaptures(Files.readAllBytes(PCAP)).entrySet()) {
            Path file = tmp.resolve("capture.pcap");
            Files.write(file, f.getValue());
            for (String[] args : List.of(new String[] {file.toString()}, new String[] {file.toString(), "--family-id",
                "32"})) {
                err.getBuffer().setLength(0);
                assertEquals(ExitCodes.BAD_INPUT, replay(args), err::toString);
                assertEquals("dropscope: " + file + ": " + f.getKey() + "\n", err.toString());
                assertEquals("", out.toString());
            }
        }
    }

    /** Damage before any family reply is what is named first; the missing reply follows from it. */
    @Test
    void damageBeforeTheFamilyReplyIsNamedFirst() throws IOException {
        Path cut = tmp.resolve("cut.pcap");
        Files.write(cut, Arrays.copyOf(Files.readAllBytes(PCAP), 24 + 10));
        assertEquals(ExitCodes.BAD_INPUT, replay(cut.toString()));
        assertTrue(err.toString().startsWith("dropscope: " + cut + ": record 1 at byte 24: file ends inside the record"
                + " header (10 of 16 bytes); the records before it hold no CTRL_CMD_NEWFAMILY reply for NET_DM, so"
                + " the family id of its messages is unknown"), err::toString);
        err.getBuffer().setLength(0);
        assertEquals(ExitCodes.BAD_INPUT, replay(cut.toString(), "--family-id", "32"));
        assertEquals("dropscope: " + cut + ": record 1 at byte 24: file ends inside the record header (10 of 16"
                + " bytes); the lines printed are those of the records before it\n", err.toString());
        assertEquals("", out.toString());
    }
}
