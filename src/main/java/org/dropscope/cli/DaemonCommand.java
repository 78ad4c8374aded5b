// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.concurrent.Callable;
import org.dropscope.daemon.DaemonClient;
import org.dropscope.daemon.Daemon;
import org.dropscope.daemon.FlightLimits;
import org.dropscope.nativeio.Errno;
import org.dropscope.nativeio.NativeException;
import org.dropscope.nativeio.UnixListener;
import org.dropscope.record.HostFacts;
import org.dropscope.report.TimeBound;
import org.dropscope.source.SourceException;
import org.dropscope.source.SourceFilter;
import org.dropscope.view.Printable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dropscope daemon}: one kernel source, always on, served to any number of clients over a
 * unix socket (docs/daemon-protocol.md); the service itself is {@link Daemon}'s. Log lines go to
 * standard error, one per event.
 */
@Command(name = "daemon", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Owns one kernel source of drops and serves it to clients over a unix socket: dropscope top"
                + " --connect and dropscope status, as root or as a member of the socket's group, without a kernel"
                + " session of their own. Each client gets its own stream of the drops from its subscription on; a"
                + " client that does not keep up misses drops in counted gaps and never slows the others.",
            "The socket's directory is created 0750 and the socket 0660, owned by root and --group, never wider."
                + " A socket file left by a killed daemon is removed; one a daemon answers on is left alone.",
            "It records every drop into a directory of segments (--record-dir), rotated and retained by --max-bytes"
                + " and --retain, stopping below --min-free free space; dropscope report DIR reads them.",
            "Runs until SIGTERM or Ctrl-C; then stops the source, ends every client's stream and removes the socket."
                + " Log lines go to standard error."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:stopped by SIGTERM or Ctrl-C",
            "1:a bug in dropscope (please report it)",
            "2:bad command line, a --group that does not exist, a --filter that does not parse, or a --max-bytes,"
                + " --retain, --min-free or --record-budget that cannot be read",
            "3:missing privilege: root, a capability, perf_event_paranoid, kptr_restrict",
            "4:missing kernel feature: tracefs, the skb:kfree_skb tracepoint, NET_DM; or a refused tracepoint filter",
            "5:the socket's directory is not fit for it (a symbolic link, another owner, other files), the --record-dir"
                + " cannot be made, or a kernel file cannot be read or is corrupt",
            "6:a daemon already answers on the socket, or a system call failed"})
public final class DaemonCommand implements Callable<Integer> {
    /** Where the flight recorder writes by default. */
    static final Path DEFAULT_RECORD_DIR = Path.of("/var/lib/dropscope/flight");

    @Spec
    CommandSpec spec;

    @Option(names = "--socket", paramLabel = "PATH", description = "The unix socket clients connect to. Default:"
            + " /run/dropscope/dropscope.sock.")
    Path socket = DaemonClient.DEFAULT_SOCKET;

    @Option(names = "--group", paramLabel = "GROUP", defaultValue = "dropscope",
            description = "The group whose members may connect (the socket's directory 0750 and the socket 0660 are"
                    + " given to it); it must exist. Default: ${DEFAULT-VALUE}.")
    String group;

    @Option(names = "--max-clients", paramLabel = "N", defaultValue = "64",
            description = "Clients served at once; one more is refused. Default: ${DEFAULT-VALUE}.")
    int maxClients;

    @Option(names = "--record-dir", paramLabel = "DIR", description = "The flight recorder's directory: the daemon"
            + " records every drop into segments there (record files, flight-<UTC time>.dsr, created 0600), which"
            + " dropscope report DIR reads as one recording. Created 0700 if missing. Default: "
            + "/var/lib/dropscope/flight.")
    Path recordDir = DEFAULT_RECORD_DIR;

    @Option(names = "--no-record", description = "No flight recorder.")
    boolean noRecord;

    @Option(names = "--max-bytes", paramLabel = "SIZE", defaultValue = "1G", description = "The segments' total"
            + " size at most (k, M, G, T of 1024s); the oldest is deleted first. A segment is closed at 1/16 of it."
            + " Default: ${DEFAULT-VALUE}.")
    String maxBytes;

    @Option(names = "--retain", paramLabel = "TIME", defaultValue = "24h", description = "Segments whose drops are"
            + " all older than this are deleted (24h, 90m). A segment is closed at 1/16 of it, at most 1h. Default:"
            + " ${DEFAULT-VALUE}.")
    String retain;

    @Option(names = "--min-free", paramLabel = "SIZE|N%", defaultValue = "5%", description = "Below this free space"
            + " on the recorder's file system (bytes, or a share of it) the recorder stops, with one log line, and"
            + " resumes when space returns; the daemon goes on serving. Default: ${DEFAULT-VALUE}.")
    String minFree;

    @Option(names = "--record-budget", paramLabel = "N", defaultValue = "10000", description = "Events a second the"
            + " recorder writes one by one; beyond that within a second, drops are counted per location and reason"
            + " (exact counts, no stacks or times of their own). 0: no limit. Default: ${DEFAULT-VALUE}.")
    long recordBudget;

    @Option(names = "--stacks", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Tracepoint source: collect kernel call chains, streamed to the clients (--no-stacks:"
                    + " smaller samples). Default: on.")
    boolean stacks;

    @Option(names = {"-l", "--lmethod"}, defaultValue = "kas", paramLabel = "kas|none",
            description = "kas: name locations and stack frames from /proc/kallsyms in the streams; none: raw"
                    + " addresses only. Default: ${DEFAULT-VALUE}.")
    String lookupMethod;

    @Mixin
    SourceOptions source = new SourceOptions();

    @Mixin
    FilterOption filter = new FilterOption();

    /** Whether SIGINT and SIGTERM end the daemon; tests stop it themselves. */
    boolean handleSignals = true;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        if (stacks) {
            source.defaultRingPages(spec.commandLine(), TopCommand.STACK_RING_PAGES);
        }
        source.validate();
        if (maxClients < 1) {
            throw new UsageException("--max-clients must be 1 or more, got " + maxClients);
        }
        Lookup.requireKasOrNone(lookupMethod);
        FlightLimits flight = noRecord ? null : flightLimits();
        checkGroup();
        Lookup lookup = Lookup.load(lookupMethod, err, err, null);
        if (lookup.exitCode() != Lookup.GO_ON) {
            return lookup.exitCode();
        }
        SourceFilter sourceFilter = filter.parse(lookup.symbols());
        UnixListener listener;
        try {
            listener = UnixListener.bind(socket, group);
        } catch (NativeException e) {
            return Failures.line(err, e.errno() == Errno.EACCES || e.errno() == Errno.EPERM ? ExitCodes.NO_PERMISSION
                    : ExitCodes.SYSTEM, e.errno() == Errno.EADDRINUSE ? "a dropscope daemon already answers on "
                    + socket + ": stop it first, or give this one another --socket" : e.getMessage());
        } catch (IOException e) {
            return Failures.line(err, ExitCodes.BAD_INPUT, Failures.reason(e));
        }
        SourceChoice choice;
        SourceChoice.Opened opened;
        try {
            choice = source.choose(stacks, true);
        } catch (SourceException e) {
            listener.close();
            return Failures.line(err, ExitCodes.of(e.kind()), e.getMessage());
        }
        Runnable releaseChoice = choice.releaser(err);
        try {
            opened = choice.open(sourceFilter);
        } catch (SourceException e) {
            listener.close();
            releaseChoice.run();
            return Failures.line(err, ExitCodes.of(e.kind()), e.getMessage());
        }
        Runnable release = () -> {
            opened.source().close();
            listener.close();
            releaseChoice.run();
        };
        Daemon daemon;
        try {
            daemon = new Daemon(listener, opened.source(), lookup.symbols(), HostFacts.read(Path.of("/proc")),
                    sourceFilter.text(), new Daemon.Settings(maxClients, Daemon.Settings.DEFAULT_QUEUE_BYTES,
                            Daemon.Settings.DEFAULT_HANDSHAKE_MILLIS, DropscopeCommand.VERSION), err);
        } catch (SourceException e) {
            release.run();
            return Failures.line(err, ExitCodes.of(e.kind()), e.getMessage());
        } catch (IOException e) {
            release.run();
            return Failures.line(err, ExitCodes.SYSTEM, "cannot read the machine's facts from /proc: "
                    + Failures.reason(e));
        }
        if (flight != null) {
            try {
                daemon.record(recordDir, flight);
            } catch (IOException e) {
                release.run();
                return Failures.cannot(err, ExitCodes.BAD_INPUT, "make", "the flight recorder's directory"
                        + " (--record-dir) " + recordDir, e);
            }
            err.println("dropscope daemon: flight recorder in " + recordDir + ": at most " + maxBytes + ", " + retain
                    + ", stops below " + minFree + " free" + (recordBudget == 0 ? "" : ", " + recordBudget
                    + " events/s one by one"));
        }
        if (choice.note() != null) {
            err.println("dropscope daemon: " + Printable.text(choice.note()));
            err.flush();
        }
        return Signals.runWith(Signals.stoppable(() -> {
            try {
                daemon.run();
                return ExitCodes.OK;
            } catch (SourceException e) {
                return Failures.line(err, ExitCodes.of(e.kind()), e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return ExitCodes.OK;
            }
        }, daemon::requestStop), err, release, handleSignals);
    }

    /** The recorder's options, checked before anything is touched. */
    private FlightLimits flightLimits() {
        long max = ByteSize.parse("--max-bytes", maxBytes);
        long retainMillis;
        try {
            retainMillis = Math.max(1, TimeBound.duration("--retain", retain) / 1_000_000);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        int percent = ByteSize.percent(minFree);
        long floor = percent >= 0 ? 0 : ByteSize.parse("--min-free", minFree);
        if (max < 2 * FlightLimits.MIN_SEGMENT_BYTES) {
            throw new UsageException("--max-bytes must be at least " + 2 * FlightLimits.MIN_SEGMENT_BYTES
                    + " (two segments of 64k), got " + maxBytes);
        }
        if (recordBudget < 0) {
            throw new UsageException("--record-budget must be 0 (no limit) or more, got " + recordBudget);
        }
        return new FlightLimits(max, retainMillis, floor, Math.max(0, percent), recordBudget);
    }

    /** A --group that does not exist is a bad command line, said before anything is touched. */
    private void checkGroup() {
        try {
            FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByGroupName(group);
        } catch (UserPrincipalNotFoundException e) {
            throw new UsageException("--group " + group + " does not exist: create it (groupadd " + group
                    + ") or name another group whose members may connect");
        } catch (IOException e) {
            throw new UsageException("--group " + group + " cannot be looked up: " + e.getMessage());
        }
    }
}
