// SPDX-License-Identifier: Apache-2.0
package org.dropscope.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dropscope daemon} in the background on the tracepoint, its socket in a temporary
 * directory for the group nogroup, and two {@code top --batch --connect} clients at once: one as
 * root, one as user nobody in that group (setpriv), without a kernel session of its own. Each
 * one's last block, printed after its stream ended, counts exactly the Udp NoPorts and
 * RcvbufErrors of a private network namespace, by symbol and reason; nobody's output holds no
 * kernel address (its stream has made-up ones, HiddenAddressesTest). {@code dropscope status}
 * answers; a third client stopped with SIGSTOP all along slows nobody: the two count exactly, the
 * daemon loses no event, and SIGTERM ends the daemon with exit code 0 all the same, its socket
 * file removed, the clients' and its own end in the log.
 */
@ExtendWith(MachineLock.class)
@Tag("kernel")
class DaemonIT {
    private static final int NOBODY = DaemonProcesses.NOBODY;
    private static final int NOGROUP = DaemonProcesses.NOGROUP;
    /** Blocks of a client's first attempt; the traffic must end two blocks before (as in TopBatchIT). */
    private static final int INTERVALS = 40;
    private static final int INTERVAL_MILLIS = 300;
    private static final KnownDrops.Datagrams DATAGRAMS = DaemonProcesses.DATAGRAMS;

    @TempDir
    Path tmp;

    @BeforeAll
    static void requirements() {
        KnownDrops.requireRootAndTools();
    }

    /** One client's last block, and how many of its blocks were printed when the traffic ended. */
    private record Client(Map<KnownDrops.DropKey, Long> counted, long lost, int during, int intervals,
            String transcript) {
        String outlasted() {
            return during <= intervals - 2 ? null : "printed " + during + " of " + intervals + " blocks before the"
                    + " traffic ended (a slow machine); more blocks";
        }
    }

    /** One attempt: what the kernel counted in the namespace, and the two clients. */
    private record Run(Map<KnownDrops.DropKey, Long> expected, Client root, Client nobody) {
        String disturbance() {
            for (Client c : List.of(root, nobody)) {
                String why = c.outlasted() != null ? c.outlasted() : KnownDrops.disturbance(expected, c.counted(), c.lost());
                if (why != null) {
                    return why;
                }
            }
            return null;
        }
    }

    @Test
    void twoClientsCountExactlyAndSigtermEndsTheDaemonCleanly() throws IOException {
        // @TempDir is 0700; the socket's own directory below it is what must keep others out.
        Path socket = DaemonProcesses.socket(tmp);
        try (ShellProcess daemon = DaemonProcesses.start(tmp, "--ring-pages", "1024")) {
            Commands.Result status = Commands.run(ShellProcess.command(List.of(),
                    List.of("status", "--socket", socket.toString())));
            assertEquals(0, status.exit(), status.describe());
            assertTrue(status.stdout().startsWith("source: tracepoint skb:kfree_skb"), status.describe());

            // A third client, stopped (SIGSTOP) once it shows its first block, for the whole test.
            ShellProcess stalled = ShellProcess.startCommand(ShellProcess.command(List.of(), List.of("top", "--batch",
                    "--connect", socket.toString(), "--interval", Integer.toString(INTERVAL_MILLIS))));
            stalledClients.add(stalled);
            stalled.awaitLine(TopBlock::isHeader, "a block header", 0);
            stalled.signal("STOP");

            Run r = Interference.repeatWhileDisturbed("DaemonIT", attempt -> runOnce(socket, attempt),
                    Run::disturbance);
            for (Client c : List.of(r.root(), r.nobody())) {
                assertEquals(null, c.outlasted(), "the client still ran when the traffic ended\n" + c.transcript());
                assertEquals(0, c.lost(), "events lost\n" + c.transcript());
                assertEquals(r.expected(), KnownDrops.only(r.expected(), c.counted()),
                        "totals of the last block\n" + c.transcript());
            }

            assertFalse(r.nobody().transcript().contains("ffffffff"), "a kernel address in the output of a client"
                    + " that is not root\n" + r.nobody().transcript());

            Commands.Result during = Commands.run(ShellProcess.command(List.of(),
                    List.of("status", "--socket", socket.toString())));
            assertTrue(during.stdout().contains("\n  pid " + stalled.pid() + " uid 0 gid 0"), "the stopped client"
                    + " is still served\n" + during.describe());

            // The stopped client is still stopped: the daemon's stop must not wait for it.
            daemon.signal("TERM");
            assertEquals(0, daemon.awaitExit(), daemon.transcript());
            assertFalse(Files.exists(socket, LinkOption.NOFOLLOW_LINKS), "the socket file is removed");
            String log = daemon.stderr();
            assertTrue(log.contains(" connected: uid 0 gid 0 pid "), log);
            assertTrue(log.contains(" connected: uid " + NOBODY + " gid " + NOGROUP + " pid "), log);
            assertTrue(log.matches("(?s).*dropscope daemon: stopped: \\d+ drops, 0 lost events\n.*"),
                    "the kernel side lost nothing, a client stopped meanwhile\n" + log);
        } finally {
            stalledClients.forEach(ShellProcess::close);
        }
    }

    @Test
    void afterSigkillTheNextDaemonRemovesTheStaleSocketAndServes() throws IOException {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path socket = tmp.resolve("run").resolve("dropscope.sock");
        String[] args = {"daemon", "--socket", socket.toString(), "--group", "nogroup", "--source", "tracepoint",
            "--no-stacks", "--record-dir", tmp.resolve("flight").toString()};
        try (ShellProcess first = ShellProcess.start(List.of(), args)) {
            Commands.waitUntil(() -> Files.exists(socket), Commands.TIMEOUT, "the daemon's socket", first::transcript);
            awaitStatus(socket);
            first.signal("KILL");
            first.awaitExit();
        }
        assertTrue(Files.exists(socket, LinkOption.NOFOLLOW_LINKS), "SIGKILL leaves the socket file");
        try (ShellProcess second = ShellProcess.start(List.of(), args)) {
            Commands.Result status = awaitStatus(socket);
            assertTrue(status.stdout().startsWith("source: tracepoint skb:kfree_skb"), status.describe());
            second.signal("TERM");
            assertEquals(0, second.awaitExit(), second.transcript());
            assertTrue(second.stderr().contains("(a stale socket file was removed)"), second.transcript());
            assertFalse(Files.exists(socket, LinkOption.NOFOLLOW_LINKS), "the socket file is removed");
        }
        // The killed daemon's segment has no end record: read up to it, one note, the rest goes on.
        Commands.Result report = Commands.run(ShellProcess.command(List.of(), List.of("report",
                tmp.resolve("flight").toString())));
        assertEquals(0, report.exit(), report.describe());
        assertEquals(1, report.stderr().lines().filter(l -> l.contains(" is cut short (")).count(), report.describe());
    }

    /** {@code dropscope status} once it answers (the daemon may still be starting); its result. */
    private static Commands.Result awaitStatus(Path socket) {
        Commands.Result[] last = new Commands.Result[1];
        Commands.waitUntil(() -> {
            last[0] = Commands.run(ShellProcess.command(List.of(), List.of("status", "--socket", socket.toString())));
            return last[0].exit() == 0;
        }, Commands.TIMEOUT, "dropscope status to answer", () -> last[0] == null ? "" : last[0].describe());
        return last[0];
    }

    /** Killed at the end, stopped or not. */
    private final List<ShellProcess> stalledClients = new ArrayList<>();

    private static Run runOnce(Path socket, int attempt) {
        int n = INTERVALS << (attempt - 1);
        List<String> args = List.of("top", "--batch", "--connect", socket.toString(), "-n", Integer.toString(n),
                "--interval", Integer.toString(INTERVAL_MILLIS));
        try (KnownDrops drops = KnownDrops.create();
                ShellProcess root = DaemonProcesses.asRoot(args);
                ShellProcess nobody = DaemonProcesses.asNobody(args)) {
            // A client prints its first block an interval after its stream began.
            root.awaitLine(TopBlock::isHeader, "a block header", 0);
            nobody.awaitLine(TopBlock::isHeader, "a block header", 0);
            Map<KnownDrops.DropKey, Long> expected = drops.cause(DATAGRAMS);
            int rootDuring = TopBlock.headers(root.stdout()).size();
            int nobodyDuring = TopBlock.headers(nobody.stdout()).size();
            return new Run(expected, client(root, rootDuring, n), client(nobody, nobodyDuring, n));
        }
    }

    /** Waits for a client to end cleanly after its {@code n} blocks and reads its last one. */
    private static Client client(ShellProcess top, int during, int n) {
        assertEquals(0, top.awaitExit(Commands.TIMEOUT.plusMillis((long) n * INTERVAL_MILLIS)), top.transcript());
        assertEquals("", top.stderr(), "the client's stderr\n" + top.transcript());
        TopBlock b = TopBlock.last(top.stdout());
        Map<KnownDrops.DropKey, Long> totals = new HashMap<>();
        b.rows().forEach(row -> totals.merge(new KnownDrops.DropKey(row.symbol(), row.reason()), row.total(),
                Long::sum));
        return new Client(totals, b.lostTotal(), during, n, top.transcript());
    }
}
