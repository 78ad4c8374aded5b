// SPDX-License-Identifier: Apache-2.0
package org.dropscope.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.dropscope.it.MountNamespace.TracefsState;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two dropscope processes started at the same moment (two terminals, two test runs) both work on a
 * machine where tracefs is not mounted. dropscope used to mount tracefs at /sys/kernel/tracing and
 * unmount it after reading the tracepoint's format: a second process that had found that mount
 * lost it half way. Now each reads through a private, detached mount of its own (Tracefs,
 * DetachedMount) that no other process sees. Both processes run in one mount namespace without
 * tracefs ({@link MountNamespace}), start monitoring together, and exit 0 with nothing on stderr;
 * and {@code findmnt --poll}, watching the namespace's mount table the whole time, saw no tracefs
 * mount or unmount at all (the old way showed a mount and an unmount per process, however short).
 */
@Tag("kernel")
class ConcurrentTracefsIT {
    private static final int ROUNDS = 3;

    @TempDir
    Path marker;

    @Test
    void twoProcessesStartedTogetherBothMonitorAndNeverChangeTheMountTable() throws IOException {
        ShellProcess.requireRootAndTools();
        try (MountNamespace mnt = MountNamespace.create(TracefsState.UNMOUNTED);
                MountWatch watch = new MountWatch(mnt, marker)) {
            List<String> mounts = mnt.mounts();
            for (int round = 0; round < ROUNDS; round++) {
                try (ShellProcess a = ShellProcess.start(mnt.prefix(), "-l", "none");
                        ShellProcess b = ShellProcess.start(mnt.prefix(), "-l", "none")) {
                    a.send("start");
                    b.send("start");
                    a.awaitLine(ShellProcess.ACTIVATED);
                    b.awaitLine(ShellProcess.ACTIVATED);
                    for (ShellProcess p : List.of(a, b)) {
                        p.send("stop");
                        p.awaitLine(ShellProcess.STOPPED);
                        p.send("exit");
                    }
                    for (ShellProcess p : List.of(a, b)) {
                        assertEquals(0, p.awaitExit(), p.transcript());
                        assertEquals("", p.stderr(), "stderr of round " + round + "\n" + p.transcript());
                    }
                }
            }
            assertEquals(List.of(), watch.tracingChanges(), "tracefs mounts and unmounts while dropscope ran");
            mnt.assertMountsAre(mounts, "after every process ended");
        }
    }

    /**
     * {@code findmnt --poll} in the namespace, which prints every mount and unmount as it happens.
     * A tmpfs mounted and unmounted on a marker directory brackets the watch: seeing the marker's
     * mount says the watch has begun, seeing its unmount says every change before it was printed.
     */
    private static final class MountWatch implements AutoCloseable {
        private static final Set<String> TRACING_FS = Set.of("tracefs", "debugfs");
        private final MountNamespace mnt;
        private final String marker;
        private final Process findmnt;
        private final List<String> lines = new ArrayList<>();
        private final Thread reader;

        MountWatch(MountNamespace mnt, Path marker) throws IOException {
            this.mnt = mnt;
            this.marker = marker.toString();
            findmnt = new ProcessBuilder(Commands.concat(mnt.prefix(),
                    List.of("stdbuf", "-oL", "findmnt", "--poll", "--noheadings", "--raw", "--output", "ACTION,TARGET,FSTYPE")))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            reader = new Thread(this::read, "findmnt-reader");
            reader.setDaemon(true);
            reader.start();
            bracket();
            synchronized (lines) {
                lines.clear();
            }
        }

        /**
         * Every tracefs or debugfs mount and unmount seen since the watch began, once it has caught up
         * (other mounts come and go with concurrent tests: their network namespaces' nsfs).
         */
        List<String> tracingChanges() {
            int end = bracket();
            synchronized (lines) {
                return lines.subList(0, end).stream().filter(l -> TRACING_FS.contains(l.split(" ")[2])).toList();
            }
        }

        /**
         * Mounts and unmounts the marker until the watch reports both (findmnt may not poll yet the
         * first time); returns the index of the first marker line, after which nothing else counts.
         */
        private int bracket() {
            long deadline = System.nanoTime() + Commands.TIMEOUT.toNanos();
            while (true) {
                mnt.run("mount", "-t", "tmpfs", "marker", marker).checked();
                mnt.run("umount", marker).checked();
                long wait = Math.min(deadline, System.nanoTime() + TimeUnit.SECONDS.toNanos(1));
                synchronized (lines) {
                    while (true) {
                        int at = lines.indexOf("umount " + marker + " tmpfs");
                        if (at >= 0) {
                            return lines.indexOf("mount " + marker + " tmpfs");
                        }
                        long left = wait - System.nanoTime();
                        if (left <= 0) {
                            break;
                        }
                        try {
                            lines.wait(TimeUnit.NANOSECONDS.toMillis(left) + 1);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IllegalStateException(e);
                        }
                    }
                    if (System.nanoTime() >= deadline || !findmnt.isAlive()) {
                        fail("findmnt --poll did not report the marker mount at " + marker + "; it printed " + lines);
                    }
                }
            }
        }

        private void read() {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(findmnt.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (lines) {
                        lines.add(line.strip().replaceAll("\\s+", " "));
                        lines.notifyAll();
                    }
                }
            } catch (IOException e) {
                // findmnt ended: close() or a failure that bracket() reports.
            }
        }

        @Override
        public void close() {
            findmnt.destroy();
            try {
                findmnt.waitFor(Commands.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
