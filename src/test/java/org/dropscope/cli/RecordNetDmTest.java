// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import static org.dropscope.cli.FakeNetDm.fixture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.dropscope.event.DropEvent;
import org.dropscope.netlink.dropmon.NetDmCmd;
import org.dropscope.record.ReadResult;
import org.dropscope.record.RecordHeader;
import org.dropscope.record.RecordNames;
import org.dropscope.record.RecordReader;
import org.dropscope.record.SourceKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code record} over NET_DM as Debian's 6.1 kernel sent it (two packet alerts of a UDP datagram
 * to a closed port, NO_SOCKET at __udp4_lib_rcv, then a summary alert of 16 + 4 drops without a
 * reason): the file holds what was sent, and {@code --filter} rejects before anything is recorded.
 */
class RecordNetDmTest {
    @TempDir
    Path dir;

    private final StringWriter err = new StringWriter();
    private final StringWriter out = new StringWriter();
    private final FakeNetDm net = new FakeNetDm();

    /** Family lookup, CONFIG_GET for the header, START, STOP; the alerts; Ctrl-C once they are read. */
    private int record(OutputStream stdout, String... args) {
        net.resolves().config().acks(2);
        net.alerts.script.then(fixture(FakeNetDm.TRUNCATED)).then(fixture(FakeNetDm.WHOLE))
                .then(fixture(FakeNetDm.SUMMARY));
        RecordCommand cmd = new RecordCommand();
        cmd.source.netDmSockets = net;
        cmd.handleSignals = false;
        cmd.stdout = stdout;
        net.alerts.whenRead = cmd::interrupt;
        return CommandRun.of(cmd, "--source", "netdm", "-l", "none").printingTo(out, err).run(args).exit();
    }

    /** What a file holds: its header, result, and drops by (reason, origin) as "reason@pc". */
    private record Read(RecordHeader header, ReadResult result, Map<String, Long> drops) {
    }

    private static Read read(InputStream in) throws IOException {
        RecordReader reader = new RecordReader(in);
        RecordHeader header = reader.header();
        RecordNames names = new RecordNames();
        Map<String, Long> drops = new TreeMap<>();
        ReadResult result = reader.read(names.feeding(new org.dropscope.record.RecordVisitor() {
            @Override
            public void drop(DropEvent e) {
                drops.merge(names.reason(e.reason()) + "@" + Long.toHexString(e.location()), e.count(), Long::sum);
            }
        }));
        return new Read(header, result, drops);
    }

    @Test
    void everyAlertIsRecordedWithNetDmsFactsInTheHeader() throws IOException {
        Path file = dir.resolve("all.dsr");
        assertEquals(ExitCodes.OK, record(null, "-o", file.toString()), err.toString());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        Read r;
        try (InputStream in = Files.newInputStream(file)) {
            r = read(in);
        }
        assertTrue(r.result().complete(), r.result().toString());
        assertEquals(Map.of("NO_SOCKET@ffffffff90cbcae2", 2L, "null@ffffffff90cba8db", 16L,
                "null@ffffffff90cb81f7", 4L), r.drops());
        assertEquals(SourceKind.NETDM, r.header().source());
        assertNull(r.header().filter());
        // netdm-6.1-config-new.md: alert mode 0 (summary), truncation 0, queue 1000; the family's version 2.
        assertEquals(List.of("netdm.family.version=2", "netdm.alert_mode=summary", "netdm.trunc_len=0",
                "netdm.queue_len=1000"), r.header().properties().entrySet().stream().map(String::valueOf).toList());
        assertEquals("dropscope: recorded 22 drops (4 events, 0 lost) in " + r.result().blocks() + " blocks, "
                + Files.size(file) + " bytes, to " + file, err.toString().lines().reduce((a, b) -> b).orElse(""));
        assertEquals("", out.toString());
    }

    @Test
    void theFilterRejectsBeforeAnythingIsRecorded() throws IOException {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        assertEquals(ExitCodes.OK, record(stdout, "-o", "-", "--filter", "reason == NO_SOCKET"), err.toString());
        Read r = read(new ByteArrayInputStream(stdout.toByteArray()));
        assertTrue(r.result().complete(), r.result().toString());
        assertEquals(Map.of("NO_SOCKET@ffffffff90cbcae2", 2L), r.drops(), "the summary's drops have no reason");
        assertEquals("reason == NO_SOCKET", r.header().filter());
        assertTrue(err.toString().contains("dropscope: recorded 2 drops (2 events, 0 lost)"), err.toString());
        assertEquals("", out.toString(), "with -o -, messages go to standard error");
    }

    @Test
    void aFailedWriteIsOneLineAndExitCode5AndNetDmIsStoppedAndReleased() {
        // Room for the header, not for the last block.
        OutputStream full = FakeNetDm.failingAfter(400, "No space left on device");
        assertEquals(ExitCodes.BAD_INPUT, record(full, "-o", "-"), err.toString());
        List<String> lines = err.toString().lines().toList();
        assertTrue(lines.get(lines.size() - 1).startsWith("dropscope: cannot write standard output: no space left on"
                + " device (after "), err.toString());
        assertStoppedAndReleased();
    }

    /** {@code record -o - | head -c 400}: the reader has what it wanted; no error, exit code 0. */
    @Test
    void aReaderThatGoesAwayEndsTheRecordingQuietly() {
        assertEquals(ExitCodes.OK, record(FakeNetDm.failingAfter(400, "Broken pipe"), "-o", "-"), err.toString());
        List<String> lines = err.toString().lines().toList();
        assertTrue(lines.get(lines.size() - 1).matches("dropscope: the reader of standard output went away: recording"
                + " stopped after \\d+ bytes"), err.toString());
        assertTrue(err.toString().lines().noneMatch(l -> l.contains("cannot")), err.toString());
        assertStoppedAndReleased();
    }

    /** A reader gone before the header: nothing to say, exit code 0, monitoring never started. */
    @Test
    void aReaderGoneBeforeTheHeaderEndsTheRecordingQuietly() {
        assertEquals(ExitCodes.OK, record(FakeNetDm.failingAfter(0, "Broken pipe"), "-o", "-"), err.toString());
        assertEquals("", err.toString());
        assertNothingStarted();
    }

    /** record runs as root: a symbolic link at -o is refused, exit code 5, and its target is left as it was. */
    @Test
    void aSymbolicLinkIsRefusedAndItsTargetKept() throws IOException {
        Path target = Files.writeString(dir.resolve("precious"), "not a recording");
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
        Path link = Files.createSymbolicLink(dir.resolve("drops.dsr"), target);
        assertEquals(ExitCodes.BAD_INPUT, record(null, "-o", link.toString()), err.toString());
        assertEquals(List.of("dropscope: cannot write " + link + ": it is a symbolic link, which dropscope does not"
                + " follow to write (planted where a root process writes, it could make it overwrite any file): name the"
                + " file itself, or /dev/stdout for standard output"), err.toString().lines().toList());
        assertEquals("not a recording", Files.readString(target));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
        assertEquals(target, Files.readSymbolicLink(link));
        assertNothingStarted();
    }

    private void assertNothingStarted() {
        assertEquals(List.of("ctrl:3", cmd(NetDmCmd.NET_DM_CMD_CONFIG_GET)), net.requests(), "GETFAMILY, CONFIG_GET");
    }

    private void assertStoppedAndReleased() {
        assertTrue(net.alerts.closed, "the alert socket was closed");
        assertEquals(List.of("ctrl:3", cmd(NetDmCmd.NET_DM_CMD_CONFIG_GET), cmd(NetDmCmd.NET_DM_CMD_START),
                cmd(NetDmCmd.NET_DM_CMD_STOP)), net.requests(), "GETFAMILY, CONFIG_GET, START, STOP");
    }

    private static String cmd(NetDmCmd c) {
        return Integer.toString(c.intValue());
    }
}
