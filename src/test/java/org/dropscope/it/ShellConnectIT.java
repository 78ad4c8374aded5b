// SPDX-License-Identifier: Apache-2.0
package org.dropscope.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code shell --connect} to a {@code dropscope daemon} on the tracepoint, as root and as user
 * nobody in the socket's group at once: each {@code start}s (subscribes), drops are caused in a
 * private namespace, each {@code stop}s (the daemon ends the stream exactly, then the shell prints
 * its last lines) and exits. The dropwatch lines of each, summed by symbol and reason, are exactly
 * the namespace's Udp NoPorts and RcvbufErrors; root's addresses are the kernel's (kallsyms),
 * nobody's are made up, none a kernel address. Asked to {@code set} a NET_DM setting, the daemon
 * refuses nobody (NOT_PERMITTED: kernel settings are root's) and tells root it serves none yet.
 */
@ExtendWith(MachineLock.class)
@Tag("kernel")
class ShellConnectIT {
    @TempDir
    Path tmp;

    @BeforeAll
    static void requirements() {
        KnownDrops.requireRootAndTools();
    }

    /** One attempt: what the kernel counted, and what each shell printed. */
    private record Run(Map<KnownDrops.DropKey, Long> expected, Map<KnownDrops.DropKey, Long> root, long rootLost,
            Map<KnownDrops.DropKey, Long> nobody, long nobodyLost, String transcript) {
        String disturbance() {
            String why = KnownDrops.disturbance(expected, root, rootLost);
            return why != null ? why : KnownDrops.disturbance(expected, nobody, nobodyLost);
        }
    }

    @Test
    void shellsOfRootAndNobodyPrintExactlyTheNamespacesDrops() throws IOException {
        Path socket = DaemonProcesses.socket(tmp);
        try (ShellProcess daemon = DaemonProcesses.start(tmp, "--ring-pages", "1024")) {
            Run r = Interference.repeatWhileDisturbed("ShellConnectIT", () -> runOnce(socket), Run::disturbance);
            assertEquals(0, r.rootLost(), r.transcript());
            assertEquals(0, r.nobodyLost(), r.transcript());
            assertEquals(r.expected(), KnownDrops.only(r.expected(), r.root()), "root's lines\n" + r.transcript());
            assertEquals(r.expected(), KnownDrops.only(r.expected(), r.nobody()), "nobody's lines\n" + r.transcript());
            daemon.signal("TERM");
            assertEquals(0, daemon.awaitExit(), daemon.transcript());
        }
    }

    private static Run runOnce(Path socket) {
        List<String> args = List.of("shell", "--connect", socket.toString());
        try (KnownDrops drops = KnownDrops.create();
                ShellProcess root = DaemonProcesses.asRoot(args);
                ShellProcess nobody = DaemonProcesses.asNobody(args)) {
            // Kernel settings are root's: the daemon refuses nobody's SET in one line.
            nobody.send("set alertmode packet");
            nobody.awaitLine("set alertmode packet: the daemon refuses: only root may change the daemon's kernel"
                    + " settings; this client is uid " + DaemonProcesses.NOBODY + " (NOT_PERMITTED)");
            root.send("set alertmode packet");
            root.awaitLine("set alertmode packet: the daemon refuses: SET is not served by this daemon yet"
                    + " (UNKNOWN_TYPE)");
            root.send("start");
            nobody.send("start");
            int rootReady = root.awaitLine(ShellProcess.ACTIVATED);
            int nobodyReady = nobody.awaitLine(ShellProcess.ACTIVATED);
            Map<KnownDrops.DropKey, Long> expected = drops.cause(DaemonProcesses.DATAGRAMS);
            ShellProcess.Ended rootEnd = root.stopAndExit(rootReady);
            ShellProcess.Ended nobodyEnd = nobody.stopAndExit(nobodyReady);
            String transcript = root.transcript() + "\n" + nobody.transcript();
            Map<KnownDrops.DropKey, Long> rootCounts = new HashMap<>();
            Map<KnownDrops.DropKey, Long> nobodyCounts = new HashMap<>();
            for (KnownDrops.DropKey k : expected.keySet()) {
                rootCounts.put(k, DropLine.sum(rootEnd.lines(), k.symbol(), k.reason()));
                nobodyCounts.put(k, DropLine.sum(nobodyEnd.lines(), k.symbol(), k.reason(), l -> assertFalse(
                        Long.toHexString(l.address()).startsWith("ffff"), "a kernel address for nobody: " + l
                        + "\n" + transcript)));
            }
            return new Run(expected, rootCounts, rootEnd.lost(), nobodyCounts, nobodyEnd.lost(), transcript);
        }
    }
}
