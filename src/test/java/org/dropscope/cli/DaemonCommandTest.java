// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import org.dropscope.ksym.KallsymsUnavailableException;
import org.dropscope.nativeio.UnixListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code daemon}, {@code status}, {@code top --connect} and {@code record --connect} where they end before any kernel
 * resource: one line each, with the exit code README.md documents.
 */
class DaemonCommandTest {
    @TempDir
    Path tmp;

    @Test
    void statusWithoutADaemonNamesTheSocketAndHowToStartOne() {
        Path socket = tmp.resolve("none.sock");
        CommandRun.Result r = CommandRun.dropscope().run("status", "--socket", socket.toString());
        assertEquals(6, r.exit());
        assertEquals("", r.out());
        assertEquals("dropscope: no dropscope daemon answers on " + socket + " (connect(2): ENOENT): start one as root"
                + " with dropscope daemon --socket " + socket + "\n", r.err());
    }

    @Test
    void topConnectWithoutADaemonSaysTheSameInOneLine() {
        Path socket = tmp.resolve("none.sock");
        CommandRun.Result r = CommandRun.dropscope().run("top", "--batch", "-n", "1", "--connect", socket.toString());
        assertEquals(6, r.exit());
        assertEquals("dropscope: no dropscope daemon answers on " + socket + " (connect(2): ENOENT): start one as root"
                + " with dropscope daemon --socket " + socket + "\n", r.err());
    }

    @Test
    void topConnectTakesNoFilterOfItsOwn() {
        CommandRun.Result r = CommandRun.dropscope().run("top", "--batch", "--connect", tmp.resolve("d.sock").toString(),
                "--filter", "reason == NO_SOCKET");
        assertEquals(2, r.exit());
        assertEquals("dropscope: --filter applies to a kernel session; with --connect the daemon filters (its own"
                + " --filter)\n", r.err());
    }

    @Test
    void recordConnectWithoutADaemonSaysSoAndCreatesNoFile() {
        Path socket = tmp.resolve("none.sock");
        Path file = tmp.resolve("drops.dsr");
        CommandRun.Result r = CommandRun.dropscope().run("record", "--connect", socket.toString(), "-o",
                file.toString());
        assertEquals(6, r.exit());
        assertEquals("dropscope: no dropscope daemon answers on " + socket + " (connect(2): ENOENT): start one as root"
                + " with dropscope daemon --socket " + socket + "\n", r.err());
        assertFalse(Files.exists(file), "no file without a stream");
    }

    @Test
    void recordConnectTakesNeitherAFilterNorCallGraphsOfItsOwn() {
        String socket = tmp.resolve("d.sock").toString();
        String file = tmp.resolve("drops.dsr").toString();
        CommandRun.Result r = CommandRun.dropscope().run("record", "--connect", socket, "-o", file, "--filter",
                "reason == NO_SOCKET");
        assertEquals(2, r.exit());
        assertEquals("dropscope: --filter applies to a kernel session; with --connect the daemon filters (its own"
                + " --filter)\n", r.err());
        r = CommandRun.dropscope().run("record", "--connect", socket, "-o", file, "-g");
        assertEquals(2, r.exit());
        assertEquals("dropscope: -g/--call-graph applies to a kernel session; with --connect the daemon's --stacks"
                + " decides (its stream carries them)\n", r.err());
    }

    @Test
    void aGroupThatDoesNotExistIsAUsageError() {
        CommandRun.Result r = CommandRun.dropscope().run("daemon", "--socket", tmp.resolve("run/d.sock").toString(),
                "--group", "no-such-group-13", "-l", "none");
        assertEquals(2, r.exit());
        assertEquals("dropscope: --group no-such-group-13 does not exist: create it (groupadd no-such-group-13) or"
                + " name another group whose members may connect\n", r.err());
    }

    @Test
    void flightRecorderOptionsThatCannotBeReadAreUsageErrorsBeforeAnythingIsTouched() {
        Path socket = tmp.resolve("run/d.sock");
        String[][] cases = {
            {"--max-bytes", "12Q", "dropscope: --max-bytes: cannot read the size '12Q' (expected bytes with an"
                + " optional unit k, M, G or T of 1024s, e.g. 1G, 512M, 65536)\n"},
            {"--max-bytes", "64k", "dropscope: --max-bytes must be at least 131072 (two segments of 64k), got 64k\n"},
            {"--retain", "yesterday", "dropscope: --retain: cannot read the length of time 'yesterday' (expected"
                + " e.g. 24h, 1h30m, 90s; at most 2562047h, more than 0)\n"},
            {"--min-free", "lots", "dropscope: --min-free: cannot read the size 'lots' (expected bytes with an"
                + " optional unit k, M, G or T of 1024s, e.g. 1G, 512M, 65536)\n"},
            {"--record-budget", "-1", "dropscope: --record-budget must be 0 (no limit) or more, got -1\n"},
        };
        for (String[] c : cases) {
            CommandRun.Result r = CommandRun.dropscope().run("daemon", "--socket", socket.toString(), "--group",
                    "no-such-group-13", "-l", "none", "--record-dir", tmp.resolve("flight").toString(), c[0], c[1]);
            assertEquals(2, r.exit(), c[0]);
            assertEquals(c[2], r.err(), c[0]);
        }
        assertEquals(false, Files.exists(tmp.resolve("flight")), "nothing made");
        assertEquals(false, Files.exists(tmp.resolve("run")), "nothing made");
    }

    @Test
    void sizesReadTheirUnitsAndShares() {
        assertEquals(1L << 30, ByteSize.parse("--max-bytes", "1G"));
        assertEquals(1L << 30, ByteSize.parse("--max-bytes", "1GiB"));
        assertEquals(512L << 20, ByteSize.parse("--max-bytes", "512m"));
        assertEquals(65536, ByteSize.parse("--max-bytes", "65536"));
        assertEquals(5, ByteSize.percent("5%"));
        assertEquals(-1, ByteSize.percent("5G"));
        assertEquals("dropscope: --max-bytes: the size '9999999999999999999T' is too large",
                "dropscope: " + assertThrows(UsageException.class,
                        () -> ByteSize.parse("--max-bytes", "9999999999999999999T")).getMessage());
    }

    @Test
    void aDaemonAnsweringOnTheSocketStopsTheStartBeforeTheKernelIsTouched() throws Exception {
        Path socket = tmp.resolve("run").resolve("d.sock");
        String group = Files.readAttributes(tmp, PosixFileAttributes.class).group().getName();
        try (UnixListener running = UnixListener.bind(socket, null)) {
            CommandRun.Result r = CommandRun.dropscope().run("daemon", "--socket", socket.toString(), "--group", group,
                    "-l", "none");
            assertEquals(6, r.exit());
            assertEquals("dropscope: a dropscope daemon already answers on " + socket + ": stop it first, or give"
                    + " this one another --socket\n", r.err());
        }
    }

    @Test
    void aPrivilegeErrorTellsOfTheDaemonWhenItsSocketIsHere() throws Exception {
        TopCommand top = new TopCommand();
        top.daemonSocket = tmp.resolve("d.sock");
        assertEquals("perf_event_open(2): EACCES", top.daemonHint("perf_event_open(2): EACCES"), "no socket, no hint");
        Files.createFile(top.daemonSocket);
        assertEquals("perf_event_open(2): EACCES; or, without root, watch the dropscope daemon running here:"
                + " dropscope top --connect " + top.daemonSocket + " (as a member of its socket's group)",
                top.daemonHint("perf_event_open(2): EACCES"));
        // kallsyms hidden from this user is a privilege error too: top's lookup says the same.
        StringWriter err = new StringWriter();
        Lookup.Pending pending = Lookup.begin("kas", new PrintWriter(new StringWriter()), new PrintWriter(err, true),
                null, () -> {
                    throw new KallsymsUnavailableException("kallsyms hides its addresses from this user");
                }).onPrivilege(top::daemonHint);
        assertEquals(ExitCodes.NO_PERMISSION, pending.join().exitCode());
        assertEquals("dropscope: kallsyms hides its addresses from this user; or, without root, watch the dropscope"
                + " daemon running here: dropscope top --connect " + top.daemonSocket + " (as a member of its socket's"
                + " group)\n", err.toString());
    }

    @Test
    void theShellsHintNamesShellConnect() throws Exception {
        Path socket = Files.createFile(tmp.resolve("d.sock"));
        assertEquals("perf_event_open(2): EACCES; or, without root, watch the dropscope daemon running here:"
                + " dropscope shell --connect " + socket + " (as a member of its socket's group)",
                DaemonHint.add(socket, "shell", "perf_event_open(2): EACCES"));
    }

    @Test
    void uptimeIsHoursMinutesSecondsAndDays() {
        assertEquals("00:00:04", StatusCommand.uptime(4_999));
        assertEquals("1d 01:01:01", StatusCommand.uptime(90_061_000));
    }

    @Test
    void reportConnectWithoutADaemonSaysTheSameInOneLine() {
        Path socket = tmp.resolve("none.sock");
        CommandRun.Result r = CommandRun.dropscope().run("report", "--connect", socket.toString(), "--since", "10m");
        assertEquals(6, r.exit());
        assertEquals("", r.out());
        assertEquals("dropscope: no dropscope daemon answers on " + socket + " (connect(2): ENOENT): start one as root"
                + " with dropscope daemon --socket " + socket + "\n", r.err());
    }

    @Test
    void reportConnectRefusesABadTimeAndAFileBesideItBeforeConnecting() {
        String socket = tmp.resolve("none.sock").toString();
        CommandRun.Result bad = CommandRun.dropscope().run("report", "--connect", socket, "--since", "yesterday");
        assertEquals(2, bad.exit());
        assertTrue(bad.err().startsWith("dropscope: --since: "), bad.err());
        assertEquals(1, bad.err().split("\n").length, bad.err());
        CommandRun.Result both = CommandRun.dropscope().run("report", "--connect", socket, "drops.dsr");
        assertEquals(2, both.exit());
        assertEquals("dropscope: name a FILE to report, or give --connect [SOCKET] for the daemon's flight recorder,"
                + " not both\n", both.err());
    }
}
