// SPDX-License-Identifier: Apache-2.0
package org.dropscope.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.dropscope.it.MountNamespace.TracefsState;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Two dropscope processes started at the same moment (two terminals, two test runs) both work on a
 * machine where tracefs is not mounted. dropscope used to mount tracefs at /sys/kernel/tracing and
 * unmount it after reading the tracepoint's format: a second process that had found that mount
 * lost it half way. Now each reads through a private, detached mount of its own (Tracefs,
 * DetachedMount) that no other process sees. Both processes run in one mount namespace without
 * tracefs ({@link MountNamespace}), start monitoring together, and exit 0 with nothing on stderr;
 * the namespace's mount table is the same while they monitor and after they ended. Three rounds,
 * since whether two JVMs' reads overlap is up to the scheduler.
 */
@Tag("kernel")
class ConcurrentTracefsIT {
    private static final int ROUNDS = 3;

    @Test
    void twoProcessesStartedTogetherBothMonitorAndLeaveNoMount() {
        ShellProcess.requireRootAndTools();
        try (MountNamespace mnt = MountNamespace.create(TracefsState.UNMOUNTED)) {
            List<String> mounts = mnt.mounts();
            for (int round = 0; round < ROUNDS; round++) {
                try (ShellProcess a = ShellProcess.start(mnt.prefix(), "-l", "none");
                        ShellProcess b = ShellProcess.start(mnt.prefix(), "-l", "none")) {
                    a.send("start");
                    b.send("start");
                    a.awaitLine(ShellProcess.ACTIVATED);
                    b.awaitLine(ShellProcess.ACTIVATED);
                    mnt.assertMountsAre(mounts, "while two processes monitor");
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
                mnt.assertMountsAre(mounts, "after both ended (round " + round + ")");
            }
        }
    }
}
