// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import static org.dropscope.cli.FakeNetDm.SUMMARY;
import static org.dropscope.cli.FakeNetDm.TRUNCATED;
import static org.dropscope.cli.FakeNetDm.WHOLE;
import static org.dropscope.cli.FakeNetDm.fixture;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.dropscope.nativeio.Errno;
import org.dropscope.netlink.NlAttr;
import org.dropscope.netlink.NlAttrs;
import org.dropscope.netlink.NlMsgDecoder;
import org.dropscope.netlink.dropmon.NetDmAttr;
import org.dropscope.netlink.dropmon.NetDmConfigDecoder;
import org.dropscope.netlink.dropmon.NetDmMessage;
import org.dropscope.pcap.NetlinkPcap;
import org.dropscope.pcap.PcapReader;
import org.dropscope.source.netdm.NetDmDump;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * {@code dropscope dump} against a fake NET_DM made of Debian 6.1's own messages: the options,
 * the requests the dump makes (and puts back), the pcap it writes, and every error as one line.
 */
class DumpCommandTest {
    /** The NET_DM requests of an active dump, in order (genl cmd; nlctrl's prefixed). */
    static final List<String> ACTIVE = List.of("ctrl:3", "ctrl:3:dump", "8", "6", "2", "3", "4", "8", "2");

    @TempDir
    Path dir;

    private final FakeNetDm net = new FakeNetDm();

    @Test
    void writesTheFamilyListThenEveryNetDmMessageAsReceivedAndPutsTheConfigurationBack() throws IOException {
        net.wholeDump();
        net.alerts.script.then(fixture(TRUNCATED)).then(fixture(WHOLE)).thenOverrun().then(fixture(SUMMARY))
                .then(FakeNetDm.firstMessage("nlctrl-getfamily-6.18.bin")); // not NET_DM's: not written
        net.alerts.drops = 3;
        Path file = dir.resolve("drops.pcap");
        Files.writeString(file, "an older file, readable by all");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        Instant before = Instant.now();
        FakeNetDm.Run r = net.run("-w", file.toString(), "-t", "64");
        Instant after = Instant.now();

        assertEquals(ExitCodes.OK, r.exit(), r.err());
        assertEquals(List.of("dropscope: writing NET_DM's packet alerts to " + file + " (truncation 64 bytes, queue"
                + " 1000, software and hardware drops); Ctrl-C stops",
                "dropscope: " + file + ": 6 records, 3 of the family list and 3 NET_DM messages; lost: 3 on the socket"
                        + " (/proc/net/netlink Drops; ENOBUFS 1 times), 0 tail-dropped by the kernel (queue full)"),
                r.errLines());
        assertEquals("", r.out());
        // Truncated, and its mode is what it was: dropscope changes the mode of no file that exists.
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

        List<PcapReader.Record> records = read(Files.newInputStream(file));
        List<byte[]> expected = new ArrayList<>(net.familyDump);
        expected.addAll(List.of(fixture(TRUNCATED), fixture(WHOLE), fixture(SUMMARY)));
        assertEquals(expected.size(), records.size());
        long previous = 0;
        for (int i = 0; i < records.size(); i++) {
            PcapReader.Record rec = records.get(i);
            assertEquals(ByteBufUtil.hexDump(expected.get(i)), ByteBufUtil.hexDump(rec.message()), "record " + (i + 1));
            assertEquals(NetlinkPcap.PACKET_OUTGOING, rec.packetType(), "as dwdump and nlmon write it");
            assertEquals(16, rec.protocol(), "NETLINK_GENERIC");
            long micros = rec.epochNanos() / 1000;
            assertTrue(micros >= previous && micros >= micros(before) && micros <= micros(after),
                    "record " + (i + 1) + ": stamped when it was received");
            previous = micros;
        }

        assertEquals(ACTIVE, net.requests());
        assertEquals(Map.of(NetDmAttr.NET_DM_ATTR_ALERT_MODE.intValue(), 1L,
                NetDmAttr.NET_DM_ATTR_TRUNC_LEN.intValue(), 64L, NetDmAttr.NET_DM_ATTR_QUEUE_LEN.intValue(), 1000L),
                attributes(4), "CONFIG: packet mode, -t, -l's default");
        Map<Integer, Long> flags = Map.of(NetDmAttr.NET_DM_ATTR_SW_DROPS.intValue(), 0L,
                NetDmAttr.NET_DM_ATTR_HW_DROPS.intValue(), 0L);
        assertEquals(flags, attributes(5), "START: software and hardware, as dwdump");
        assertEquals(flags, attributes(6), "STOP: the same");
        NetDmMessage.Config original = NetDmConfigDecoder.decode(NlMsgDecoder.decode(
                Unpooled.wrappedBuffer(fixture("netdm-6.1-config-new.bin"))));
        assertEquals(Map.of(NetDmAttr.NET_DM_ATTR_ALERT_MODE.intValue(), (long) original.alertMode(),
                NetDmAttr.NET_DM_ATTR_TRUNC_LEN.intValue(), original.truncLength(),
                NetDmAttr.NET_DM_ATTR_QUEUE_LEN.intValue(), original.queueLength()), attributes(8),
                "the last CONFIG puts back what CONFIG_GET found");

        assertEquals(List.of(1), net.alerts.joined, "the events group, as the family reply names it");
        assertEquals(NetDmDump.DEFAULT_RECEIVE_BUFFER, net.alerts.receiveBuffer);
        assertTrue(net.alerts.closed);
        assertEquals(0, net.control.pending(), "every answer was asked for");
    }

    @Test
    void passiveOnlyListens() throws IOException {
        net.resolves().families().stats().stats();
        net.alerts.script.then(fixture(WHOLE));
        FakeNetDm.Run r = net.run("-p", "-b", "4096");
        assertEquals(ExitCodes.OK, r.exit(), r.err());
        assertEquals(List.of("ctrl:3", "ctrl:3:dump", "8", "8"), net.requests(), "no CONFIG, START or STOP");
        assertTrue(r.errLines().get(0).contains("only listening"), r.err());
        assertEquals(4096, net.alerts.receiveBuffer);
        List<PcapReader.Record> records = read(new ByteArrayInputStream(r.stdout()));
        assertEquals(4, records.size(), "the family list and the alert, on standard output");
        assertArrayEquals(fixture(WHOLE), ByteBufUtil.getBytes(records.get(3).message()));
    }

    @Test
    void originChoosesWhatStartAndStopAskFor() {
        net.wholeDump();
        FakeNetDm.Run r = net.run("-o", "hw", "-l", "20");
        assertEquals(ExitCodes.OK, r.exit(), r.err());
        assertTrue(r.errLines().get(0).contains("truncation none, queue 20, hardware drops"), r.err());
        Map<Integer, Long> hw = Map.of(NetDmAttr.NET_DM_ATTR_HW_DROPS.intValue(), 0L);
        assertEquals(hw, attributes(5));
        assertEquals(hw, attributes(6));
        assertEquals(20L, attributes(4).get(NetDmAttr.NET_DM_ATTR_QUEUE_LEN.intValue()));
    }

    @Test
    void queryStatsAndExitAreOneRequestEach() {
        net.resolves().config();
        FakeNetDm.Run q = net.run("-q");
        NetDmMessage.Config c = NetDmConfigDecoder.decode(NlMsgDecoder.decode(
                Unpooled.wrappedBuffer(fixture("netdm-6.1-config-new.bin"))));
        assertEquals((c.isPacketMode() ? "Alert mode: Packet" : "Alert mode: Summary") + "\nTruncation length: "
                + c.truncLength() + "\nQueue length: " + c.queueLength() + "\n", q.out());
        assertEquals(ExitCodes.OK, q.exit());

        FakeNetDm s = new FakeNetDm().resolves().stats();
        FakeNetDm.Run st = s.run("--stats");
        assertTrue(st.out().startsWith("Software statistics:\nTail dropped: "), st.out());
        assertEquals(List.of("ctrl:3", "8"), s.requests());

        FakeNetDm e = new FakeNetDm().resolves().acks(1);
        FakeNetDm.Run ex = e.run("-e", "-o", "sw");
        assertEquals(ExitCodes.OK, ex.exit(), ex.err());
        assertEquals("", ex.out() + ex.err());
        assertEquals(List.of("ctrl:3", "4"), e.requests());
        assertEquals(Map.of(NetDmAttr.NET_DM_ATTR_SW_DROPS.intValue(), 0L), attributes(e, 1));
    }

    @Test
    void aKernelWithoutNetDmIsExitFourNamingTheFallback() {
        net.hasNoNetDm();
        Path file = dir.resolve("never.pcap");
        FakeNetDm.Run r = net.run("-w", file.toString());
        assertOneLine(r, ExitCodes.NO_KERNEL_FEATURE, "no NET_DM generic netlink family", "modprobe drop_monitor",
                "dropscope --source tracepoint", "no pcap");
        assertFalse(Files.exists(file), "nothing written before NET_DM was found");
    }

    @Test
    void anUnwritableFileIsExitFiveBeforeNetDmIsTouched() {
        net.resolves();
        FakeNetDm.Run r = net.run("-w", dir.resolve("no/such/dir.pcap").toString());
        assertOneLine(r, ExitCodes.BAD_INPUT, "cannot write " + dir.resolve("no/such/dir.pcap"),
                "no such file or directory");
        FakeNetDm d = new FakeNetDm().resolves();
        assertOneLine(d.run("-w", dir.toString()), ExitCodes.BAD_INPUT, "cannot write " + dir, "is a directory");
        assertEquals(List.of("ctrl:3"), net.requests(), "only the family lookup");
    }

    /** dump runs as root: a symbolic link at -w is refused, and what it points to is left as it was. */
    @Test
    void aSymbolicLinkIsRefusedBeforeNetDmIsTouched() throws IOException {
        net.resolves();
        Path target = Files.writeString(dir.resolve("precious"), "not a capture");
        Path link = Files.createSymbolicLink(dir.resolve("drops.pcap"), target);
        assertOneLine(net.run("-w", link.toString()), ExitCodes.BAD_INPUT, "cannot write " + link
                + ": it is a symbolic link, which dropscope does not follow");
        assertEquals("not a capture", Files.readString(target));
        assertEquals(List.of("ctrl:3"), net.requests(), "only the family lookup");
    }

    @Test
    void aRefusedConfigurationIsOneLineAndLeavesNothingToPutBack() {
        net.resolves().families().stats().config().refuses(Errno.EPERM);
        assertOneLine(net.run("-w", dir.resolve("x.pcap").toString()), ExitCodes.NO_PERMISSION, "CAP_NET_ADMIN");
        assertEquals(List.of("ctrl:3", "ctrl:3:dump", "8", "6", "2"), net.requests());

        FakeNetDm busy = new FakeNetDm().resolves().families().stats().config().refuses(Errno.EBUSY);
        assertOneLine(busy.run("-w", dir.resolve("y.pcap").toString()), ExitCodes.SYSTEM, "while monitoring",
                "-p/--passive");
    }

    @Test
    void aFailedWriteStopsMonitoringPutsTheConfigurationBackAndIsExitFive() {
        FakeNetDm.Run r = dumpIntoOutputThatFailsAfterTheFamilyList("No space left on device");
        assertEquals(ExitCodes.BAD_INPUT, r.exit(), r.err());
        assertEquals(2, r.errLines().size(), "the start line, then the error");
        assertEquals("dropscope: cannot write standard output: no space left on device (after 3 records; monitoring"
                + " stopped)", r.errLines().get(1));
        assertEquals(ACTIVE, net.requests(), "STOP, then the configuration put back");
    }

    /**
     * A real device that takes nothing: opened, not refused; the family list is written (and
     * flushed) before NET_DM is configured, so its ENOSPC ends the dump there: one line, exit code 5.
     */
    @Test
    void aFullDeviceIsExitFiveBeforeNetDmIsConfigured() {
        net.wholeDump();
        net.alerts.script.then(fixture(TRUNCATED));
        FakeNetDm.Run r = net.run("-w", "/dev/full");
        assertEquals(ExitCodes.BAD_INPUT, r.exit(), r.err());
        assertEquals("dropscope: cannot write /dev/full: no space left on device (after 3 records; monitoring"
                + " stopped)", r.errLines().get(r.errLines().size() - 1));
        assertEquals(List.of("ctrl:3", "ctrl:3:dump"), net.requests(), "the family lookup and list only");
    }

    @Test
    void aReaderThatGoesAwayEndsTheDumpQuietly() {
        FakeNetDm.Run r = dumpIntoOutputThatFailsAfterTheFamilyList("Broken pipe");
        assertEquals(ExitCodes.OK, r.exit(), r.err());
        assertTrue(r.errLines().get(1).contains("3 of the family list and 0 NET_DM messages"), r.err());
        assertEquals(ACTIVE, net.requests());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "-t 65536           | -t/--trunc takes 0 to 65535, not 65536",
        "-t -1              | -t/--trunc takes 0 to 65535, not -1",
        "-l 0               | -l/--limit takes 1 to 4294967295, not 0",
        "-b 0               | -b/--bufsize takes 1 to 1073741824, not 0",
        "-o both            | -o/--origin takes sw or hw, not 'both'",
        "-q -s              | exclude each other: choose one",
        "-p -e              | exclude each other: choose one",
        "-p -t 64           | -t/--trunc configures NET_DM, which -p/--passive leaves as it is",
        "-e -l 5            | -l/--limit configures NET_DM, which -e/--exit leaves as it is",
        "-s -o sw           | -o/--origin chooses what monitoring starts and stops, which -s/--stats does not do",
        "-q -w x.pcap       | -w/--write is for dumping; -q/--query writes no pcap",
        "-e -b 4096         | -b/--bufsize is for dumping; -e/--exit writes no pcap",
        "-t abc             | Invalid value for option '--trunc': 'abc' is not a long (dump --help lists the options)",
        "-w                 | Missing required parameter for option '--write'",
        "-t 1 extra         | Unmatched argument at index 2: 'extra'",
    })
    void badOptionsAreOneLineAndExitTwoBeforeNetDmIsAsked(String args, String message) {
        assertOneLine(net.run(args.trim().split(" +")), ExitCodes.USAGE, message);
        assertEquals(List.of(), net.requests());
    }

    @Test
    void theDefaultsAreDwdumps() {
        DumpCommand cmd = new DumpCommand();
        new CommandLine(cmd).parseArgs();
        assertEquals(new NetDmDump.Options(false, 0, 1000, true, true, 1 << 20), cmd.validate());
        assertEquals("-", cmd.file);
        new CommandLine(cmd).parseArgs("--write=f", "--trunc=9", "--limit=7", "--bufsize=8192", "--origin=sw");
        assertEquals(new NetDmDump.Options(false, 9, 7, true, false, 8192), cmd.validate());
        assertEquals("f", cmd.file);
    }

    static void assertOneLine(FakeNetDm.Run r, int exit, String... phrases) {
        assertEquals(exit, r.exit(), r.err());
        assertEquals(1, r.errLines().size(), r.err());
        for (String p : phrases) {
            assertTrue(r.errLines().get(0).contains(p), "'" + p + "' in " + r.err());
        }
        assertTrue(r.errLines().get(0).startsWith("dropscope: "), r.err());
    }

    /**
     * A whole dump of two alerts to standard output, which takes the pcap file header and the
     * family list's records and then fails every write with an IOException saying {@code message}.
     */
    private FakeNetDm.Run dumpIntoOutputThatFailsAfterTheFamilyList(String message) {
        net.wholeDump();
        net.alerts.script.then(fixture(TRUNCATED)).then(fixture(WHOLE));
        int nlctrl = FakeNetDm.firstMessage("nlctrl-getfamily-6.18.bin").length;
        int netdm = fixture("netdm-6.1-ctrl-getfamily-reply.bin").length;
        int record = 16 + NetlinkPcap.COOKED_HEADER_SIZE;
        return net.run(FakeNetDm.failingAfter(24 + 3 * record + nlctrl + netdm + 20, message));
    }

    private Map<Integer, Long> attributes(int request) {
        return attributes(net, request);
    }

    /** The attributes of the {@code request}-th request sent (0-based), as type to value (flags: 0). */
    private static Map<Integer, Long> attributes(FakeNetDm fake, int request) {
        NlAttrs attrs = NlMsgDecoder.decode(Unpooled.wrappedBuffer(fake.control.sent.get(request))).genlAttributes(0);
        Map<Integer, Long> m = new HashMap<>();
        for (NlAttr a = attrs.next(); a != null; a = attrs.next()) {
            long v = switch (a.payload().readableBytes()) {
                case 0 -> 0L;
                case 1 -> a.u8();
                default -> Integer.toUnsignedLong(a.u32());
            };
            m.put(a.type(), v);
        }
        return m;
    }

    static List<PcapReader.Record> read(InputStream in) throws IOException {
        List<PcapReader.Record> records = new ArrayList<>();
        try (PcapReader r = new PcapReader(in)) {
            for (PcapReader.Record rec = r.next(); rec != null; rec = r.next()) {
                records.add(rec);
            }
        }
        return records;
    }

    private static long micros(Instant t) {
        return t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
    }
}
