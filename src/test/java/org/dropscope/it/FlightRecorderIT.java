// SPDX-License-Identifier: Apache-2.0
package org.dropscope.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's flight recorder on the real kernel, with the smallest --max-bytes (128 KiB:
 * segments of 64 KiB) and every drop its own event (no hot keys, no budget): 6,000 NoPorts of a
 * private namespace make it rotate and delete the oldest segments; then, a second later, a smaller
 * run of NoPorts and RcvbufErrors, less than a segment, so that retention cannot reach it. After
 * SIGTERM (every segment closed with its end record), {@code report DIR --since} the moment
 * between the two counts exactly the namespace's counters of the second run; the whole directory
 * counts what its segments count one by one, and fewer NoPorts than were caused (the oldest are
 * gone).
 */
@ExtendWith(MachineLock.class)
@Tag("kernel")
class FlightRecorderIT {
    private static final KnownDrops.Datagrams FILLER = new KnownDrops.Datagrams(6000, 0, 0);
    private static final KnownDrops.Datagrams MARKED = new KnownDrops.Datagrams(300, 600, 0);
    private static final long MAX_BYTES = 128 << 10;

    @TempDir
    Path tmp;

    @BeforeAll
    static void requirements() {
        KnownDrops.requireRootAndTools();
    }

    @Test
    void rotatesDeletesTheOldestAndReportsExactlyWhatIsRetained() throws IOException {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path socket = tmp.resolve("run").resolve("dropscope.sock");
        Path flight = tmp.resolve("flight");
        Map<KnownDrops.DropKey, Long> marked;
        String between;
        try (ShellProcess daemon = ShellProcess.start(List.of(), "daemon", "--socket", socket.toString(),
                "--group", "nogroup", "--source", "tracepoint", "--no-stacks", "--hot-threshold", "0",
                "--record-dir", flight.toString(), "--max-bytes", Long.toString(MAX_BYTES), "--record-budget", "0");
                KnownDrops drops = KnownDrops.create()) {
            Commands.waitUntil(() -> Files.exists(socket) && !segments(flight).isEmpty(), Commands.TIMEOUT,
                    "the daemon's socket and first segment", daemon::transcript);
            String first = segments(flight).get(0).getFileName().toString();
            drops.cause(FILLER);
            // The reader may idle up to 10 s between passes; the first segment goes once a later one is written.
            Commands.waitUntil(() -> !segments(flight).get(0).getFileName().toString().equals(first),
                    Commands.TIMEOUT, "the oldest segment deleted", () -> segments(flight) + "\n" + daemon.transcript());
            Commands.sleep(1000);
            between = Instant.now().toString();
            Commands.sleep(1000);
            marked = drops.cause(MARKED);
            Commands.Result status = Commands.run(ShellProcess.command(List.of(),
                    List.of("status", "--socket", socket.toString())));
            assertEquals(0, status.exit(), status.describe());
            assertTrue(status.stdout().matches("(?s).*\nflight recorder: [1-9]\\d* segments, [1-9]\\d* bytes\n.*"),
                    status.describe());
            daemon.signal("TERM");
            assertEquals(0, daemon.awaitExit(), daemon.transcript());
            assertTrue(daemon.stderr().matches("(?s).*dropscope daemon: stopped: \\d+ drops, 0 lost events\n.*"),
                    daemon.transcript());
        }
        List<Path> kept = segments(flight);
        long bytes = kept.stream().mapToLong(FlightRecorderIT::size).sum();
        assertTrue(bytes <= MAX_BYTES + MAX_BYTES / 2, "at most --max-bytes and the segment being filled: " + bytes
                + " in " + kept);

        ReportJson since = ReportJson.of(flight, "--since", between);
        assertEquals(marked, KnownDrops.only(marked, since.byKey()), "the second run, exactly\n" + since.json());
        assertEquals(0, since.lost());

        ReportJson all = ReportJson.of(flight);
        long each = 0;
        for (Path p : kept) {
            each += ReportJson.of(p).total();
        }
        assertEquals(each, all.total(), "the directory counts what its segments count");
        long noPorts = all.count(KnownDrops.NO_SOCKET.symbol(), KnownDrops.NO_SOCKET.reason());
        long filler = noPorts - marked.get(KnownDrops.NO_SOCKET);
        assertTrue(filler >= 0 && filler < FILLER.noPort(), "of the first run's NoPorts, those in the segments kept: "
                + filler + " of " + FILLER.noPort());
    }

    /** {@code report --connect --since}: the daemon reads its segments and streams them; exact while it runs. */
    @Test
    void reportConnectCountsExactlyTheDropsOfARun() throws IOException {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path socket = tmp.resolve("run").resolve("dropscope.sock");
        Path flight = tmp.resolve("flight");
        try (ShellProcess daemon = ShellProcess.start(List.of(), "daemon", "--socket", socket.toString(),
                "--group", "nogroup", "--source", "tracepoint", "--no-stacks", "--record-dir", flight.toString());
                KnownDrops drops = KnownDrops.create()) {
            Commands.waitUntil(() -> Files.exists(socket) && !segments(flight).isEmpty(), Commands.TIMEOUT,
                    "the daemon's socket and first segment", daemon::transcript);
            Map<KnownDrops.DropKey, Long> caused = drops.cause(MARKED);
            // No wait: REPORT has the daemon read the kernel's buffers and write out its open block first.
            ReportJson report = ReportJson.connect(socket, "--since", "10m");
            assertEquals(caused, KnownDrops.only(caused, report.byKey()), "the run, exactly\n" + report.json());
            assertEquals(0, report.lost());
            daemon.signal("TERM");
            assertEquals(0, daemon.awaitExit(), daemon.transcript());
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The recorder's segments, oldest first. */
    private static List<Path> segments(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".dsr")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
