// SPDX-License-Identifier: Apache-2.0
package org.dropscope.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code record --connect -o FILE} from a {@code dropscope daemon} on the tracepoint, as root and
 * as user nobody in the socket's group at once, while drops are caused in a private namespace;
 * SIGTERM ends each recording. {@code report --format json} of each file then counts exactly the
 * namespace's Udp NoPorts and RcvbufErrors by symbol and reason, reads the file whole (its end
 * record) and finds no lost event; nobody's file holds no kernel address (its stream has made-up
 * ones), so its report names the same symbols all the same.
 */
@ExtendWith(MachineLock.class)
@Tag("kernel")
class RecordConnectIT {
    private static final KnownDrops.Datagrams DATAGRAMS = DaemonProcesses.DATAGRAMS;

    @TempDir
    Path tmp;

    @BeforeAll
    static void requirements() {
        KnownDrops.requireRootAndTools();
    }

    /** One attempt: what the kernel counted, and what report says of each file. */
    private record Run(Map<KnownDrops.DropKey, Long> expected, ReportJson root, ReportJson nobody,
            String transcript) {
        String disturbance() {
            for (ReportJson r : List.of(root, nobody)) {
                String why = KnownDrops.disturbance(expected, r.byKey(), r.lost());
                if (why != null) {
                    return why;
                }
            }
            return null;
        }
    }

    @Test
    void recordingsFromTheDaemonReportExactlyTheNamespacesDrops() throws IOException {
        Path socket = DaemonProcesses.socket(tmp);
        try (ShellProcess daemon = DaemonProcesses.start(tmp, "--ring-pages", "1024")) {
            Run r = Interference.repeatWhileDisturbed("RecordConnectIT", attempt -> runOnce(socket, attempt),
                    Run::disturbance);
            for (ReportJson report : List.of(r.root(), r.nobody())) {
                assertTrue(report.complete(), "the file ends with its end record\n" + r.transcript());
                assertEquals(0, report.lost(), "lost events\n" + r.transcript());
                assertEquals(r.expected(), KnownDrops.only(r.expected(), report.byKey()), "report of the file\n"
                        + r.transcript());
            }
            assertFalse(r.nobody().json().toString().contains("ffffffff"), "a kernel address in the recording of a"
                    + " client that is not root\n" + r.nobody().json());
            daemon.signal("TERM");
            assertEquals(0, daemon.awaitExit(), daemon.transcript());
        }
    }

    private Run runOnce(Path socket, int attempt) {
        Path dir = tmp.resolve("run" + attempt);
        Path nobodyDir = dir.resolve("nobody");
        try {
            Files.createDirectories(nobodyDir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Commands.check("chown", DaemonProcesses.NOBODY + ":" + DaemonProcesses.NOGROUP, nobodyDir.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path rootFile = dir.resolve("root.dsr");
        Path nobodyFile = nobodyDir.resolve("nobody.dsr");
        try (KnownDrops drops = KnownDrops.create();
                ShellProcess root = DaemonProcesses.asRoot(recordArgs(socket, rootFile, dir.resolve("root.ready")));
                ShellProcess nobody = DaemonProcesses.asNobody(recordArgs(socket, nobodyFile,
                        nobodyDir.resolve("ready")))) {
            Recordings.awaitFile(dir.resolve("root.ready"), root);
            Recordings.awaitFile(nobodyDir.resolve("ready"), nobody);
            Map<KnownDrops.DropKey, Long> expected = drops.cause(DATAGRAMS);
            root.signal("TERM");
            nobody.signal("TERM");
            String transcript = root.transcript() + "\n" + nobody.transcript();
            assertEquals(0, root.awaitExit(), transcript);
            assertEquals(0, nobody.awaitExit(), transcript);
            for (ShellProcess p : List.of(root, nobody)) {
                List<String> err = p.stderr().lines().toList();
                assertEquals(2, err.size(), "the start line and the summary\n" + transcript);
                assertTrue(err.get(0).startsWith("dropscope: recording drops from the daemon at " + socket
                        + " (tracepoint skb:kfree_skb"), transcript);
                assertTrue(err.get(1).startsWith("dropscope: recorded "), transcript);
            }
            return new Run(expected, ReportJson.of(rootFile), ReportJson.of(nobodyFile), transcript);
        }
    }

    private static List<String> recordArgs(Path socket, Path file, Path ready) {
        return List.of("record", "--connect", socket.toString(), "-o", file.toString(), "--ready-file",
                ready.toString());
    }
}
