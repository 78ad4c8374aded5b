// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dropscope.io.OutputFiles;
import org.dropscope.ksym.Symbolizer;
import org.dropscope.source.SourceException;
import org.dropscope.source.SourceFilter;
import org.dropscope.view.Printable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dropscope record -o FILE}: every drop the kernel reports, with its time, into a record
 * file (docs/file-format.md) that {@code report} reads, here or on another machine; the drops of
 * keys counted in the kernel as events of each read's count (RecordHeader.HOT_KEYS_PROPERTY). The run
 * itself, from the opened source to the summary line, is {@link Recording}'s.
 */
@Command(name = "record", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Records every packet drop the kernel reports, with its time, location, reason and (with -g)"
                + " kernel stack, into a file that dropscope report reads: here, later, or on another machine (the"
                + " file carries the kernel's symbols and reason names).",
            "Runs until Ctrl-C, SIGTERM or the end of --duration; then stops the source, writes what the kernel"
                + " had delivered, ends the file and prints one line on standard error: drops, events, lost events,"
                + " blocks and bytes written. A new file is created with mode 0600; a symbolic link is refused.",
            "With the tracepoint, a drop location and reason that drops --hot-threshold times a second or more is"
                + " counted in the kernel, as top does: its drops are then recorded as events of the drops counted"
                + " between two reads (at least ten a second), at the read's time and, with -g, with its last"
                + " sampled stack (one in --stack-period drops); the file says so and report notes it. Every drop"
                + " keeps its own event, time and stack with --hot-threshold 0 (a sample per drop, costlier at high"
                + " rates); with -g, --stack-period 1 takes every hot drop's stack, the counts exact either way.",
            "The tracepoint's rings default to 8 MiB per CPU here (--ring-pages 2048, not top's 256): writing the"
                + " file can hold up the reader (page cache writeback), and the rings must hold the drops meanwhile.",
            "With --connect, records the stream of a running dropscope daemon instead (no root, no kernel session):"
                + " the file is the daemon's stream as it came, its own record file, with the daemon's source and"
                + " names; drops the daemon could not send to this client (its queue full) are lost events on the"
                + " daemon's gap CPU (docs/daemon-protocol.md).",
            "Example: dropscope record -o drops.dsr --duration 30s --filter 'reason == NO_SOCKET'"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success, also when Ctrl-C or SIGTERM ended the recording, or the reader of standard output (-o -) went"
                + " away",
            "1:a bug in dropscope (please report it)",
            "2:bad command line, or a --filter that does not parse or names what this kernel lacks",
            "3:missing privilege: root, a capability, perf_event_paranoid, kptr_restrict; with --connect: the daemon's"
                + " socket refuses this user (not in its group)",
            "4:missing kernel feature: tracefs, the skb:kfree_skb tracepoint, NET_DM; or the kernel refuses the"
                + " tracepoint filter",
            "5:the file or standard output cannot be written (a symbolic link, a full disk), or a kernel file cannot be"
                + " read or is corrupt (kallsyms, tracepoint format)",
            "6:a system call failed (memory, file descriptors); with --connect: no daemon answers on the socket, it"
                + " failed, or it closed the stream before its end"})
public final class RecordCommand implements Callable<Integer> {
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)?");

    @Spec
    CommandSpec spec;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE",
            description = "The record file (a new one created with mode 0600, an existing one truncated, its mode"
                    + " kept; not a symbolic link), or - for standard output (for a pipe:"
                    + " dropscope record -o - | dropscope report -); messages then go to standard error only.")
    String output;

    @Option(names = "--duration", paramLabel = "TIME",
            description = "Stop after TIME: seconds, or a number with ms, s, m or h (500ms, 10s, 2m). Default: until"
                    + " Ctrl-C or SIGTERM.")
    String duration;

    @Option(names = {"-g", "--call-graph"},
            description = "Record each drop's kernel call chain (the tracepoint source only; --source auto then"
                    + " means the tracepoint).")
    boolean callGraph;

    @Option(names = "--ready-file", paramLabel = "PATH",
            description = "Create PATH once the kernel is delivering drops (removed first if it exists), so that a"
                    + " script knows when to start its traffic.")
    Path readyFile;

    @Option(names = {"-l", "--lmethod"}, defaultValue = "kas", paramLabel = "kas|none",
            description = "kas: name locations and stack frames from /proc/kallsyms in the file; none: raw"
                    + " addresses only. Default: ${DEFAULT-VALUE}.")
    String lookupMethod;

    @Mixin
    SourceOptions source = new SourceOptions();

    @Mixin
    FilterOption filter = new FilterOption();

    @Mixin
    ConnectOption connect = new ConnectOption();

    /** Standard output, for {@code -o -}; null for the process's own. */
    OutputStream stdout;
    /** Whether SIGINT and SIGTERM end the recording; tests stop it with {@link #interrupt()}. */
    boolean handleSignals = true;
    private volatile Recording running;

    /** What Ctrl-C does: the recording ends as at the end of its duration. */
    void interrupt() {
        Recording r = running;
        if (r != null) {
            r.requestStop();
        }
    }

    /**
     * Data pages per CPU ring when {@code --ring-pages} is not given: 8 MiB with 4 KiB pages. With
     * top's 1 MiB, recording at 200,000 drops/s on a 2-CPU machine lost up to 2,550 events in 5 s
     * (the reader waits on the file's writes now and then); with 8 MiB none in any run
     * (docs/performance.md, "Recording").
     */
    static final int RING_PAGES = 2048;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        source.defaultRingPages(spec.commandLine(), RING_PAGES);
        long millis = validate();
        boolean toStdout = output.equals("-");
        if (connect.given()) {
            connect.refuse(filter.expression != null, "--filter", "the daemon filters (its own --filter)");
            connect.refuse(callGraph, "-g/--call-graph", "the daemon's --stacks decides (its stream carries them)");
            return new ConnectedRecording(connect.socket, toStdout ? "standard output" : output, this::openOutput,
                    readyFile, err).run(millis, handleSignals);
        }
        // With -o -, standard output is the file: nothing else may go there.
        Lookup lookup = Lookup.load(lookupMethod, toStdout ? err : spec.commandLine().getOut(), err, null);
        if (lookup.exitCode() != Lookup.GO_ON) {
            return lookup.exitCode();
        }
        Symbolizer symbols = lookup.symbols();
        SourceFilter sourceFilter = filter.parse(symbols);
        SourceChoice choice;
        try {
            choice = source.choose(callGraph, true);
        } catch (SourceException e) {
            return Failures.line(err, ExitCodes.of(e.kind()), e.getMessage());
        }
        Runnable releaseChoice = choice.releaser(err);
        if (choice.note() != null) {
            err.println("dropscope: " + Printable.text(choice.note()));
            err.flush();
        }
        Recording recording;
        try {
            recording = Recording.prepare(choice, sourceFilter, symbols, toStdout ? "standard output" : output,
                    this::openOutput, readyFile, err);
        } catch (Recording.Failure f) {
            releaseChoice.run();
            return f.getMessage() == null ? f.exitCode() : Failures.line(err, f.exitCode(), f.getMessage());
        }
        running = recording;
        Runnable release = () -> {
            recording.release();
            releaseChoice.run();
        };
        return Signals.runWith(Signals.stoppable(() -> recording.run(millis), recording::requestStop), err, release,
                handleSignals);
    }

    /**
     * Checks the options; returns the duration in milliseconds, 0 for none.
     *
     * @throws UsageException (one line, exit code 2) when they do not fit
     */
    long validate() {
        source.validate();
        if (output.isEmpty()) {
            throw new UsageException("-o/--output needs a file name, or - for standard output");
        }
        if (output.equals("-") && stdout == null && System.console() != null) {
            throw new UsageException("standard output is a terminal: record to a file with -o FILE, or pipe"
                    + " it (dropscope record -o - | dropscope report -)");
        }
        Lookup.requireKasOrNone(lookupMethod);
        if (callGraph) {
            if (source.source == SourceOptions.Kind.netdm) {
                throw new UsageException("-g/--call-graph needs the tracepoint source: NET_DM reports no"
                        + " kernel stacks");
            }
            source.source = SourceOptions.Kind.tracepoint;
        }
        return duration == null ? 0 : durationMillis(duration);
    }

    /** {@code --duration}: {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}, or plain seconds. */
    static long durationMillis(String text) {
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            throw new UsageException("--duration takes seconds, or a number with ms, s, m or h (500ms, 10s,"
                    + " 2m), not '" + text + "'");
        }
        long n = Long.parseLong(m.group(1));
        if (n == 0) {
            throw new UsageException("--duration must be longer than 0, not '" + text + "'");
        }
        String unit = m.group(2) == null ? "s" : m.group(2);
        switch (unit) {
            case "ms":
                return n;
            case "m":
                return n * 60_000;
            case "h":
                return n * 3_600_000;
            default:
                return n * 1000;
        }
    }

    /** The output: standard output for {@code -o -}, else the file, opened by {@link OutputFiles}. */
    private OutputStream openOutput() throws IOException {
        if (output.equals("-")) {
            return stdout != null ? stdout : new FileOutputStream(FileDescriptor.out);
        }
        return OutputFiles.open(Path.of(output));
    }
}
