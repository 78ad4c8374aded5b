// SPDX-License-Identifier: Apache-2.0
package org.dropscope.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.dropscope.cli.ExitCodes;
import org.dropscope.it.MountNamespace.TracefsState;
import org.dropscope.perf.PerfMmapPage;
import org.dropscope.source.tracepoint.TracepointOptions;
import org.dropscope.testing.KernelTestSupport;
import org.dropscope.testing.ProcFacts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * However monitoring ends, dropscope gives back every perf descriptor and ring mapping, leaves the
 * mount table as it found it (tracefs is mounted only while its format is read) and never touches
 * the kfree_skb event's tracefs controls.
 *
 * <p>Each run happens in a mount namespace of its own ({@link MountNamespace}), with tracefs
 * mounted or not beforehand, so that "as it found it" is the test's choice and can be checked
 * after dropscope exited.
 */
@ExtendWith(MachineLock.class)
@Tag("kernel")
class ResourceReleaseIT {
    /** Long enough that no interval ends during a run: the only drop lines are the final ones. */
    private static final String NO_TICK_INTERVAL = "600000";
    private static final int DATAGRAMS = 500;
    private static final String UDP_RECEIVE = "__udp4_lib_rcv";

    /** How a monitoring session ends. */
    enum Ending {
        /** {@code stop}, checks while the process is alive, then {@code exit}. */
        STOP_THEN_EXIT,
        /** {@code exit} while monitoring. */
        EXIT,
        /** SIGINT (Ctrl-C) while monitoring, checks while the process is alive, then {@code exit}. */
        SIGINT,
        /** SIGTERM while monitoring: the process stops monitoring and exits 0. */
        SIGTERM
    }

    @BeforeAll
    static void requirements() {
        ShellProcess.requireRootAndTools();
    }

    static Stream<Arguments> endings() {
        List<Arguments> all = new ArrayList<>();
        for (Ending e : Ending.values()) {
            for (TracefsState t : TracefsState.values()) {
                all.add(Arguments.of(e, t));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}, tracefs {1} before")
    @MethodSource("endings")
    void everyEndingReleasesPerfAndLeavesTracefsAsFound(Ending ending, TracefsState tracefs) {
        String controls = MountNamespace.kfreeSkbControls();
        int cpus = ProcFacts.onlineCpus().size();
        try (Netns net = Netns.create(); MountNamespace mnt = MountNamespace.create(tracefs)) {
            List<String> mounts = mnt.mounts();
            try (ShellProcess shell = ShellProcess.start(mnt.prefix(), "--interval", NO_TICK_INTERVAL)) {
                String pid = Long.toString(shell.pid());
                shell.send("start");
                int ready = shell.awaitLine(ShellProcess.ACTIVATED);
                // Per CPU a counting group (source.tracepoint.HotCountGroup): a leader, the
                // samplers and the counters, all opened at start.
                assertEquals(cpus * (2 * TracepointOptions.HOT_KEYS + 2), ProcFacts.perfFds(pid),
                        "perf event descriptors while monitoring, a counting group per CPU");
                assertEquals(cpus, ProcFacts.perfMappings(pid), "perf ring mappings while monitoring, one per CPU");
                mnt.assertMountsAre(mounts, "while monitoring");
                net.send("noport", DATAGRAMS);
                end(shell, ending, ready);
                assertEquals(0, shell.awaitExit(), shell.transcript());
                assertEquals("", shell.stderr(), "dropscope's stderr");
                // At least: other processes may add drops of the same kind (DropCountsIT is exact).
                long printed = DropLine.sum(DropLine.parse(shell.stdout().subList(ready, shell.stdout().size())),
                        UDP_RECEIVE, "NO_SOCKET");
                assertTrue(printed >= DATAGRAMS, "the drops of the last interval were printed at the end: "
                        + printed + " of " + DATAGRAMS + "\n" + shell.transcript());
            }
            mnt.assertMountsAre(mounts, "after dropscope ended");
        }
        assertEquals(controls, MountNamespace.kfreeSkbControls(), "events/skb/kfree_skb/{enable,filter}");
    }

    private static void end(ShellProcess shell, Ending ending, int ready) {
        String pid = Long.toString(shell.pid());
        switch (ending) {
            case STOP_THEN_EXIT:
                shell.send("stop");
                shell.awaitLine(ShellProcess.STOPPED, ready);
                assertReleased(pid, "after stop");
                shell.send("exit");
                break;
            case EXIT:
                shell.send("exit");
                break;
            case SIGINT:
                assertFalse(ProcFacts.ignoresSignal(shell.pid(), ProcFacts.SIGINT),
                        "dropscope was started with SIGINT ignored: sending it would test nothing");
                shell.signal("INT");
                shell.awaitLine(ShellProcess.STOPPED, ready);
                assertReleased(pid, "after SIGINT");
                shell.send("exit");
                break;
            case SIGTERM:
                shell.signal("TERM");
                break;
            default:
                throw new IllegalArgumentException(ending.toString());
        }
    }

    private static void assertReleased(String pid, String when) {
        assertEquals(0, ProcFacts.perfFds(pid), "perf event descriptors " + when);
        assertEquals(0, ProcFacts.perfMappings(pid), "perf ring mappings " + when);
    }

    /**
     * Opening fails half way: the first CPU's ring fits the per-user perf mlock allowance and the
     * second does not, and without CAP_IPC_LOCK and with RLIMIT_MEMLOCK 0 nothing may exceed it
     * (perf_mmap() in kernel/events/core.c). The CLI runs inside {@link ShellProbe}, which reports
     * the perf descriptors and mappings the process still holds when the command has returned.
     */
    @Test
    void openingThatFailsAtTheSecondCpuReportsOneLineAndKeepsNothing() {
        List<Integer> cpus = ProcFacts.onlineCpus();
        KernelTestSupport.require(cpus.size() >= 2, "failing half way needs two online CPUs, found " + cpus);
        KernelTestSupport.require(Commands.succeeds("prlimit", "--version"), "prlimit (util-linux) is needed");
        // perf_mmap(): the allowance is perf_event_mlock_kb in pages, times the online CPUs.
        long allowance = Long.parseLong(ProcFacts.sysctl("kernel/perf_event_mlock_kb"))
                / (PerfMmapPage.pageSize() / 1024) * cpus.size();
        int ringPages = Integer.highestOneBit((int) Math.min(allowance - 1, 1 << 18));
        KernelTestSupport.require(ringPages >= 1, "kernel.perf_event_mlock_kb is too small for even one ring");
        assertTrue(ringPages + 1 <= allowance && 2L * (ringPages + 1) > allowance,
                "one ring of " + ringPages + " data pages fits " + allowance + " pages, two do not");
        // A uid of its own: the allowance is per user, and root's may be in use by other processes.
        String uid = Long.toString(1_900_000_000L + ProcessHandle.current().pid() % 100_000_000L);
        String caps = "+perfmon,+sys_admin,+dac_read_search";
        try (MountNamespace mnt = MountNamespace.create(TracefsState.UNMOUNTED)) {
            List<String> mounts = mnt.mounts();
            List<String> prefix = Commands.concat(mnt.prefix(), List.of("prlimit", "--memlock=0:0", "setpriv",
                    "--reuid=" + uid, "--regid=" + uid, "--clear-groups", "--inh-caps=" + caps, "--ambient-caps=" + caps,
                    "--"));
            Commands.Result r = Commands.run(ShellProcess.probeCommand(prefix,
                    List.of("-l", "none", "--ring-pages", Integer.toString(ringPages))), "start\nstop\nexit\n");
            OneLineError.assertOneLine(r, ExitCodes.NO_PERMISSION, "mmap(2)", "on CPU " + cpus.get(1),
                    "perf_event_mlock_kb", "--ring-pages");
            assertTrue(r.stdoutLines().contains(String.format(ShellProbe.REPORT, 0, 0)),
                    "perf descriptors or mappings still held at exit\n" + r.describe());
            mnt.assertMountsAre(mounts, "after dropscope ended");
        }
    }
}
