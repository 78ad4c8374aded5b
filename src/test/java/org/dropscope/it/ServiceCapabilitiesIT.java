// SPDX-License-Identifier: Apache-2.0
package org.dropscope.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The capabilities the systemd unit (dist/systemd/dropscope.service) lists are what the daemon
 * needs: run as root with exactly its CapabilityBoundingSet (setpriv --bounding-set), the daemon
 * on the tracepoint starts and answers {@code status}; so it does with only CAP_PERFMON,
 * CAP_IPC_LOCK, CAP_SYSLOG and CAP_CHOWN, and with any one of those four taken away it does not
 * start, and says so in one line that names it (exit code 3). (CAP_NET_ADMIN and CAP_SYS_ADMIN are NET_DM's, which this host's
 * kernel may lack; CAP_SYS_ADMIN also stands in for CAP_PERFMON, so the four are tried without it.)
 * The daemon runs with 16 MiB rings per CPU ({@code --ring-pages 4096}): its default 4 MiB exceed
 * kernel.perf_event_mlock_kb and RLIMIT_MEMLOCK (8 MiB, systemd's default too) only on machines
 * with more than two CPUs or where other processes of root hold perf rings; 16 MiB exceed them on
 * any machine, so that the run without CAP_IPC_LOCK fails for the reason it fails in the field.
 */
@ExtendWith(MachineLock.class)
@Tag("kernel")
class ServiceCapabilitiesIT {
    private static final Path UNIT = Path.of("dist/systemd/dropscope.service");
    private static final List<String> TRACEPOINT_NEEDS = List.of("CAP_PERFMON", "CAP_IPC_LOCK", "CAP_SYSLOG",
            "CAP_CHOWN");
    private static final String[] RINGS = {"--ring-pages", "4096"};

    @TempDir
    Path tmp;

    @BeforeAll
    static void requirements() {
        KnownDrops.requireRootAndTools();
    }

    /** The unit's CapabilityBoundingSet. */
    private static List<String> unitCapabilities() throws IOException {
        String line = Files.readAllLines(UNIT).stream().filter(l -> l.startsWith("CapabilityBoundingSet="))
                .findFirst().orElseThrow();
        return Arrays.asList(line.substring(line.indexOf('=') + 1).trim().split("\\s+"));
    }

    /** setpriv, as root, with only {@code capabilities} in the bounding set (so in every set after exec). */
    private static List<String> only(List<String> capabilities) {
        StringBuilder set = new StringBuilder("-all");
        for (String c : capabilities) {
            set.append(",+").append(c.substring("CAP_".length()).toLowerCase(Locale.ROOT));
        }
        return List.of("setpriv", "--bounding-set", set.toString(), "--");
    }

    /** The daemon with only {@code capabilities} starts and answers {@code status}; SIGTERM ends it. */
    private static void assertServes(Path dir, List<String> capabilities) throws IOException {
        Files.createDirectories(dir);
        try (ShellProcess daemon = DaemonProcesses.launch(dir, only(capabilities), RINGS)) {
            Path socket = DaemonProcesses.socket(dir);
            Commands.waitUntil(() -> Files.exists(socket) || !daemon.isAlive(), Commands.TIMEOUT,
                    "the daemon's socket", daemon::transcript);
            Commands.Result status = Commands.run(ShellProcess.command(List.of(), List.of("status", "--socket",
                    socket.toString())));
            assertEquals(0, status.exit(), "with " + capabilities + "\n" + status.describe() + "\n"
                    + daemon.transcript());
            daemon.signal("TERM");
            assertEquals(0, daemon.awaitExit(), daemon.transcript());
        }
    }

    @Test
    void theUnitsCapabilitiesAreEnoughAndEachOfTheTracepointsIsNeeded() throws IOException {
        List<String> unit = unitCapabilities();
        assertTrue(unit.containsAll(TRACEPOINT_NEEDS), "the unit lists " + unit);
        assertServes(tmp.resolve("unit"), unit);
        assertServes(tmp.resolve("tracepoint"), TRACEPOINT_NEEDS);
        for (String missing : TRACEPOINT_NEEDS) {
            List<String> fewer = new ArrayList<>(TRACEPOINT_NEEDS);
            fewer.remove(missing);
            Path dir = Files.createDirectories(tmp.resolve(missing));
            try (ShellProcess daemon = DaemonProcesses.launch(dir, only(fewer), RINGS)) {
                assertEquals(3, daemon.awaitExit(), "a missing privilege without " + missing + "\n"
                        + daemon.transcript());
                List<String> err = daemon.stderr().lines().toList();
                assertEquals(1, err.size(), "one line without " + missing + "\n" + daemon.transcript());
                assertTrue(err.get(0).startsWith("dropscope: ") && err.get(0).contains(missing), "the line names "
                        + missing + "\n" + daemon.transcript());
            }
        }
    }
}
