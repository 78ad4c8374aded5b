// SPDX-License-Identifier: Apache-2.0
package org.dropscope.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dropscope.it.MountNamespace.TracefsState;
import org.dropscope.testing.KernelTestSupport;
import org.dropscope.testing.ProcFacts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every way dropscope cannot run on this machine gives one line on stderr with the cause and the
 * fix, the exit code {@code dropscope --help} documents, and no stack trace. The privileges are
 * taken away for real (setpriv), and tracefs is put in the state each case needs inside a mount
 * namespace of the test's own.
 *
 * <p>The assertions name stable key phrases of each message (the cause, the fix), not whole
 * sentences.
 */
@Tag("kernel")
class ErrorsIT {
    /** The exit codes as {@code dropscope --help} documents them. */
    private static final int USAGE = 2;
    private static final int NO_PERMISSION = 3;
    private static final int NO_KERNEL_FEATURE = 4;

    /** What the shell is fed: if start unexpectedly works, the run still ends. */
    private static final String SESSION = "start\nstop\nexit\n";
    private static final List<String> NOBODY =
            List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--");

    @TempDir
    Path emptyDir;

    @BeforeAll
    static void requirements() {
        ShellProcess.requireRootAndTools();
    }

    @Test
    void helpDocumentsTheExitCodes() {
        Commands.Result help = Commands.run(ShellProcess.command(List.of(), List.of("--help")));
        assertEquals(0, help.exit(), help.describe());
        for (String code : List.of("2     bad command line", "3     missing privilege", "4     missing kernel feature")) {
            assertTrue(help.stdoutLines().stream().anyMatch(l -> l.trim().startsWith(code)),
                    "--help does not document '" + code + "'\n" + help.describe());
        }
    }

    @Test
    void notRootIsToldThatKallsymsHidesAddresses() {
        requireKallsymsHiddenFrom(NOBODY, "uid 65534");
        OneLineError.assertOneLine(runAsNobody(List.of(), List.of()), NO_PERMISSION,
                "/proc/kallsyms shows only zeros", "CAP_SYSLOG", "-l none");
    }

    @Test
    void notRootWithoutSymbolsIsToldThatTracefsCannotBeMounted() {
        try (MountNamespace mnt = MountNamespace.create(TracefsState.UNMOUNTED)) {
            OneLineError.assertOneLine(runAsNobody(mnt.prefix(), List.of("-l", "none")),
                    NO_PERMISSION, "cannot mount tracefs", "CAP_SYS_ADMIN", "run dropscope as root");
        }
    }

    @Test
    void notRootWithoutSymbolsIsToldThatTracefsCannotBeRead() {
        try (MountNamespace mnt = MountNamespace.create(TracefsState.MOUNTED)) {
            OneLineError.assertOneLine(runAsNobody(mnt.prefix(), List.of("-l", "none")),
                    NO_PERMISSION, "cannot read " + MountNamespace.TRACING, "permission denied", "run dropscope as root");
        }
    }

    @Test
    void rootWithoutCapSyslogIsToldThatKallsymsHidesAddresses() {
        List<String> noSyslog = rootWithout("syslog");
        requireKallsymsHiddenFrom(noSyslog, "root without CAP_SYSLOG");
        OneLineError.assertOneLine(run(noSyslog, List.of()), NO_PERMISSION,
                "/proc/kallsyms shows only zeros", "CAP_SYSLOG", "-l none");
    }

    @Test
    void rootWithoutCapPerfmonIsToldAboutPerfEventParanoid() {
        String paranoid = ProcFacts.sysctl("kernel/perf_event_paranoid");
        KernelTestSupport.require(Integer.parseInt(paranoid) >= 0, "kernel.perf_event_paranoid=" + paranoid
                + " lets everyone open system-wide tracepoint events: there is no error to see");
        try (MountNamespace mnt = MountNamespace.create(TracefsState.MOUNTED)) {
            OneLineError.assertOneLine(run(Commands.concat(mnt.prefix(), rootWithout("perfmon", "sys_admin")), List.of()),
                    NO_PERMISSION, "perf_event_open(2)", "CAP_PERFMON", "kernel.perf_event_paranoid=-1 (now "
                            + paranoid + ")");
        }
    }

    @Test
    void tracefsThatCannotBeMountedIsNamedWithTheFix() {
        try (MountNamespace mnt = MountNamespace.create(TracefsState.UNMOUNTED)) {
            OneLineError.assertOneLine(run(Commands.concat(mnt.prefix(), rootWithout("sys_admin")), List.of()),
                    NO_PERMISSION, "cannot mount tracefs (it is mounted nowhere)", "CAP_SYS_ADMIN",
                    "mount -t tracefs nodev " + MountNamespace.TRACING);
        }
    }

    @Test
    void aTracefsWithoutTheTracepointIsAMissingKernelFeature() {
        OneLineError.assertOneLine(run(List.of(), List.of("--tracefs", emptyDir.toString())), NO_KERNEL_FEATURE,
                "tracepoint skb:kfree_skb not found under " + emptyDir.resolve("events"));
    }

    /**
     * This kernel has no drop_monitor (CONFIG_NET_DROP_MONITOR unset; checked, so the test means
     * what it says): asking for NET_DM names the module and the fallback.
     */
    @Test
    void netDmOnAKernelWithoutDropMonitorIsAMissingKernelFeature() {
        KernelTestSupport.require(!Files.isDirectory(Path.of("/sys/module/drop_monitor")),
                "this test needs a kernel without drop_monitor; this one has it loaded");
        OneLineError.assertOneLine(run(List.of(), List.of("-l", "none", "--source", "netdm")), NO_KERNEL_FEATURE,
                "no NET_DM generic netlink family", "modprobe drop_monitor", "CONFIG_NET_DROP_MONITOR",
                "--source tracepoint");
    }

    /** The default, --source auto, on this kernel without drop_monitor: says why and uses the tracepoint. */
    @Test
    void autoSaysItFallsBackToTheTracepointWithoutDropMonitor() {
        KernelTestSupport.require(!Files.isDirectory(Path.of("/sys/module/drop_monitor")),
                "this test needs a kernel without drop_monitor; this one has it loaded");
        Commands.Result r = Commands.run(ShellProcess.command(List.of(), List.of("-l", "none")), "show\nexit\n");
        assertEquals(0, r.exit(), r::describe);
        assertEquals("Using the skb:kfree_skb tracepoint: the kernel has no NET_DM generic netlink family: load it"
                + " with modprobe drop_monitor, or use a kernel built with CONFIG_NET_DROP_MONITOR, or use --source"
                + " tracepoint, which needs neither", r.stdoutLines().get(0), r::describe);
        assertTrue(r.stdoutLines().contains("Source: tracepoint"), r::describe);
        assertEquals("", r.stderr(), r::describe);
    }

    @Test
    void anUnknownLookupMethodIsAUsageError() {
        OneLineError.assertOneLine(run(List.of(), List.of("-l", "bogus")), USAGE, "bogus", "-l list");
    }

    @Test
    void ringPagesThatAreNotAPowerOfTwoAreAUsageError() {
        OneLineError.assertOneLine(run(List.of(), List.of("--ring-pages", "3")), USAGE,
                "--ring-pages must be a power of two", "3");
    }

    @Test
    void ringPagesTooManyToMapAreAUsageError() {
        OneLineError.assertOneLine(run(List.of(), List.of("--ring-pages", "1048576")), USAGE,
                "--ring-pages must be a power of two from 1 to", "1048576");
    }

    /** Runs dropscope to its end with {@link #SESSION} as input; it must never get to monitor. */
    private static Commands.Result run(List<String> prefix, List<String> args) {
        return run(ShellProcess.command(prefix, args));
    }

    /** {@link #run} as uid 65534 after {@code prefix}, with a copy of the jar that user can read. */
    private static Commands.Result runAsNobody(List<String> prefix, List<String> args) {
        return run(ShellProcess.command(Commands.concat(prefix, NOBODY), args, ShellProcess.jarForAnyUser()));
    }

    private static Commands.Result run(List<String> command) {
        Commands.Result r = Commands.run(command, SESSION);
        assertFalse(r.stdoutLines().contains(ShellProcess.ACTIVATED), "monitoring started\n" + r.describe());
        return r;
    }

    /**
     * setpriv as root without {@code caps} ("syslog", "perfmon") in any set: after exec, root's
     * permitted and effective sets are its bounding set.
     */
    private static List<String> rootWithout(String... caps) {
        String drop = "-" + String.join(",-", caps);
        return List.of("setpriv", "--inh-caps=" + drop, "--ambient-caps=" + drop, "--bounding-set=" + drop, "--");
    }

    /** The kallsyms error exists only if the kernel shows zeros to {@code prefix}'s credentials. */
    private static void requireKallsymsHiddenFrom(List<String> prefix, String who) {
        Commands.Result first = Commands.run(Commands.concat(prefix, List.of("head", "-n", "1", "/proc/kallsyms")))
                .checked();
        KernelTestSupport.require(first.stdout().startsWith("0000000000000000 "), "/proc/kallsyms shows " + who
                + " real addresses (kernel.kptr_restrict=" + ProcFacts.sysctl("kernel/kptr_restrict")
                + ", kernel.perf_event_paranoid=" + ProcFacts.sysctl("kernel/perf_event_paranoid")
                + "): there is no kallsyms error to see");
    }
}
