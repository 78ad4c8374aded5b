// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import org.dropscope.aggregate.DropAggregator;
import org.dropscope.aggregate.Snapshot;
import org.dropscope.daemon.DaemonClient;
import org.dropscope.daemon.StreamSource;
import org.dropscope.ksym.Symbolizer;
import org.dropscope.names.DropNames;
import org.dropscope.source.DropSource;
import org.dropscope.source.IntervalSession;
import org.dropscope.source.LiveNames;
import org.dropscope.source.SourceException;
import org.dropscope.source.SourceFilter;
import org.dropscope.view.DropPredicate;
import org.dropscope.view.Printable;
import org.dropscope.view.TopControls;
import org.dropscope.view.TopModel;
import org.dropscope.view.TopScreen;
import org.jline.terminal.Size;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dropscope top}: a live table of where and why the kernel drops packets, refreshed every
 * interval; at a terminal full-screen with keys, otherwise (or with {@code --batch}) one plain
 * block per interval, as {@code top -b} prints.
 *
 * <p>Threads: the source's reader writes the aggregator; the ticker ({@link IntervalSession})
 * takes a snapshot per interval into {@link TopControls} and draws or prints; the main thread
 * reads keys (or, in batch mode, waits for the end); JLine's signal thread redraws on resize.
 */
@Command(name = "top", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Live table of the kernel's packet drops: drops/s, total, share, first and last seen, per"
                + " symbol and reason (or per symbol, per reason, per kernel stack), with the source, kernel,"
                + " events/s and lost events above.",
            "Keys: q quit, p pause (counting goes on), s sort, g grouping, r reset totals, / filter by a part of"
                + " the symbol or reason, or by an expression of --filter's language over reason and symbol (Enter"
                + " applies, empty clears). Ctrl-C or SIGTERM also quit.",
            "When standard output is not a terminal, or with --batch, prints a block per interval instead."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success, also after q, Ctrl-C or SIGTERM, or when the reader of standard output went away (| head)",
            "1:a bug in dropscope (please report it)",
            "2:bad command line, or a --filter that does not parse or names what this kernel lacks",
            "3:missing privilege: root, a capability, perf_event_paranoid, kptr_restrict; with --connect: the"
                + " daemon's socket refuses this user (not in its group)",
            "4:missing kernel feature: tracefs, the skb:kfree_skb tracepoint, NET_DM; or a refused tracepoint filter",
            "5:a kernel file that cannot be read or is corrupt (kallsyms, tracepoint format), or standard output"
                + " cannot be written (a full disk); with --connect: a stream the daemon cut short",
            "6:a system call failed (memory, file descriptors); with --connect: no daemon answers on the socket,"
                + " or it failed, or it stopped or went away while top ran (one line says which)"})
public final class TopCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ShellOptions options = new ShellOptions();

    @Option(names = {"-b", "--batch"}, description = "Print a plain block per interval, as top -b does, even at a"
            + " terminal.")
    boolean batch;

    @Option(names = {"-n", "--iterations"}, paramLabel = "N", defaultValue = "0",
            description = "Stop after N intervals (the last one complete: monitoring is stopped and drained first)."
                    + " Default: until q, Ctrl-C or SIGTERM.")
    long iterations;

    @Option(names = "--group", paramLabel = "symbol+reason|symbol|reason|stack", defaultValue = "symbol+reason",
            description = "Rows at start (g changes it). Default: ${DEFAULT-VALUE}.")
    String group;

    @Option(names = "--sort", paramLabel = "drops/s|total|name", defaultValue = "drops/s",
            description = "Order at start (s changes it). Default: ${DEFAULT-VALUE}.")
    String sort;

    @Mixin
    FilterOption filter = new FilterOption();

    @Mixin
    ConnectOption connect = new ConnectOption();

    @Option(names = "--stacks", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Tracepoint source: collect kernel call chains for the stack grouping (--no-stacks:"
                    + " smaller samples). Default: on.")
    boolean stacks;

    /**
     * Data pages per CPU ring with stacks, when {@code --ring-pages} is not given: 4 MiB with 4 KiB
     * pages. Until a busy key is handed to the kernel's counters, each of its drops is a sample
     * with a call chain (about 1 KiB); with the shell's 1 MiB, top lost up to 1,571 such samples
     * at the start of a run of 270,000 drops/s (docs/performance.md, "Every mode as a user starts
     * it").
     */
    static final int STACK_RING_PAGES = 1024;

    /** The defaults that depend on other options: with stacks, a larger ring. */
    void settleDefaults() {
        if (stacks) {
            options.source.defaultRingPages(spec.commandLine(), STACK_RING_PAGES);
        }
    }

    /** Whether SIGINT and SIGTERM end top; tests end it themselves. */
    boolean handleSignals = true;

    /** Top's terminal being opened while the source opens; null in batch mode. */
    private TopTerminal.Opening opening;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        settleDefaults();
        options.validate();
        if (iterations < 0) {
            throw new UsageException("-n/--iterations takes 1 or more (0: no limit), not " + iterations);
        }
        TopModel.Grouping grouping = grouping(group);
        TopModel.Sort order = sort(sort);
        opening = !batch && System.console() != null ? TopTerminal.Opening.start() : null;
        try {
            return connect.given() ? connected(grouping, order, out, err) : local(grouping, order, out, err);
        } finally {
            if (opening != null) {
                opening.discard();
            }
        }
    }

    /** A kernel session as the source, kallsyms for the names. */
    private int local(TopModel.Grouping grouping, TopModel.Sort order, PrintWriter out, PrintWriter err)
            throws IOException {
        // kallsyms is read while the source opens (each about a third of the start), unless the
        // filter needs its table to open the source. Its errors still come first, and alone.
        Lookup.Pending pending = Lookup.begin(options.lookupMethod, out, err, null).onPrivilege(this::daemonHint);
        Lookup lookup = pending.loading() && filter.expression == null ? null : pending.join();
        if (lookup != null && lookup.exitCode() != Lookup.GO_ON) {
            return lookup.exitCode();
        }
        SourceFilter sourceFilter = filter.parse(lookup == null ? null : lookup.symbols());
        SourceChoice choice;
        DropSource source;
        try {
            choice = options.source.choose(stacks);
        } catch (SourceException e) {
            return lookupFailed(pending) ? pending.join().exitCode() : sourceFailed(err, e);
        }
        Runnable releaseChoice = choice.releaser(err);
        try {
            source = choice.open(sourceFilter).source();
        } catch (SourceException e) {
            releaseChoice.run();
            return lookupFailed(pending) ? pending.join().exitCode() : sourceFailed(err, e);
        }
        lookup = pending.join();
        if (lookup.exitCode() != Lookup.GO_ON) {
            source.close();
            releaseChoice.run();
            return lookup.exitCode();
        }
        Symbolizer symbols = lookup.symbols();
        DropSource opened = source;
        Top top = new Top(source, aggregator -> LiveNames.of(symbols, opened, aggregator), stacksNote(choice, source),
                grouping, order, out, err);
        return run(top, choice.note(), releaseChoice, err);
    }

    /**
     * {@code --connect}: the daemon's stream as the source, its names as the names; no kallsyms
     * here and no kernel session.
     */
    private int connected(TopModel.Grouping grouping, TopModel.Sort order, PrintWriter out, PrintWriter err)
            throws IOException {
        connect.refuse(filter.expression != null, "--filter", "the daemon filters (its own --filter)");
        StreamSource source;
        try {
            source = StreamSource.open(connect.socket, DropscopeCommand.VERSION);
        } catch (SourceException e) {
            return Failures.line(err, ExitCodes.of(e.kind()), e.getMessage());
        }
        Top top = new Top(source, aggregator -> source.names(), null, grouping, order, out, err);
        // The daemon's end ends top: one line, not a screen of empty intervals.
        source.onEnd(top::endRun);
        int code = run(top, null, () -> { }, err);
        String gone = source.daemonGone();
        return code == ExitCodes.OK && gone != null ? Failures.line(err, ExitCodes.SYSTEM, gone) : code;
    }

    /** Runs {@code top} at the terminal or in batch mode until it ends; then {@code releaseChoice}. */
    private int run(Top top, String note, Runnable releaseChoice, PrintWriter err) throws IOException {
        boolean terminal = opening != null;
        if (!terminal && note != null) {
            err.println(Printable.text(note));
            err.flush();
        }
        Runnable release = () -> {
            top.stopQuietly();
            releaseChoice.run();
        };
        if (terminal) {
            try (TopTerminal screen = opening.take()) {
                return Signals.runWith(top.interactive(screen), err, release, handleSignals);
            }
        }
        return Signals.runWith(top.batch(), err, release, handleSignals);
    }

    /** The socket whose presence {@link #daemonHint} tells of; tests name their own. */
    Path daemonSocket = DaemonClient.DEFAULT_SOCKET;

    /** A privilege error, with how to watch the daemon instead when its socket is here ({@link DaemonHint}). */
    String daemonHint(String message) {
        return DaemonHint.add(daemonSocket, "top", message);
    }

    private int sourceFailed(PrintWriter err, SourceException e) {
        int code = ExitCodes.of(e.kind());
        return Failures.line(err, code, code == ExitCodes.NO_PERMISSION ? daemonHint(e.getMessage()) : e.getMessage());
    }

    /** Whether the lookup ends top with an error (which {@link Lookup.Pending#join} then prints). */
    private static boolean lookupFailed(Lookup.Pending pending) throws IOException {
        return pending.join().exitCode() != Lookup.GO_ON;
    }

    static TopModel.Grouping grouping(String label) {
        for (TopModel.Grouping g : TopModel.Grouping.values()) {
            if (g.label().equals(label)) {
                return g;
            }
        }
        throw new UsageException("--group takes symbol+reason, symbol, reason or stack, not '" + label + "'");
    }

    static TopModel.Sort sort(String label) {
        for (TopModel.Sort s : TopModel.Sort.values()) {
            if (s.label().equals(label)) {
                return s;
            }
        }
        throw new UsageException("--sort takes drops/s, total or name, not '" + label + "'");
    }

    /**
     * What the stack grouping says about its stacks: why there are none, or how they were taken,
     * so that sampled stacks are never shown as if every drop had its own.
     */
    private String stacksNote(SourceChoice choice, DropSource source) {
        if (choice.netDm() != null) {
            return "(NET_DM reports no kernel stacks)";
        }
        if (!stacks) {
            return "(no kernel stacks: started with --no-stacks)";
        }
        String sampling = source.stackSampling();
        return sampling == null ? null : "(stacks: " + sampling + ")";
    }

    /** The kernel release, as uname -r prints it. */
    static String kernelRelease() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/osrelease"), StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            return "(unknown)";
        }
    }

    /** One run of top: the session, the controls, and how it ends. */
    private final class Top {
        private final IntervalSession session;
        private final TopControls controls;
        private final TopScreen screen = new TopScreen(ZoneId.systemDefault());
        private final TopScreen.Run run;
        private final PrintWriter out;
        private final PrintWriter err;
        private final CountDownLatch quit = new CountDownLatch(1);
        private volatile Runnable redraw = () -> { };
        /** After an interval that changed only the time in the title; the whole redraw unless a terminal's. */
        private volatile Runnable clock = () -> redraw.run();
        /** Ends the main thread's wait for a key once the run has ended. */
        private volatile Runnable ended = () -> { };

        /**
         * @param names the names of what {@code source} counts into the session's aggregator
         * @param stacksNote what the stack grouping says about its stacks, or {@code null}
         */
        Top(DropSource source, Function<DropAggregator, DropNames> names, String stacksNote,
                TopModel.Grouping grouping, TopModel.Sort order, PrintWriter out, PrintWriter err) {
            this.out = out;
            this.err = err;
            this.session = new IntervalSession(source, options.intervalMillis, iterations, this::interval);
            this.controls = new TopControls(new TopModel(names.apply(session.aggregator())), grouping, order,
                    DropPredicate.ALL);
            this.run = new TopScreen.Run(source.description(), kernelRelease(), stacksNote);
        }

        /** On the ticker thread. */
        private void interval(Snapshot s, boolean last) {
            TopControls.Change change = controls.update(s, System.currentTimeMillis());
            if (change == TopControls.Change.SCREEN) {
                redraw.run();
            } else if (change == TopControls.Change.CLOCK) {
                clock.run();
            }
            if (last) {
                endRun();
            }
        }

        /** The run is over (the last interval, a signal, output that failed): the main thread ends it. */
        private void endRun() {
            quit.countDown();
            ended.run();
        }

        Signals.Session batch() {
            redraw = () -> {
                controls.block(screen, run).forEach(out::println);
                out.flush();
                if (out.checkError()) {
                    // The reader went away (| head), or the disk is full: end now; which of the two
                    // it was decides the exit code once monitoring has stopped (Failures.output).
                    endRun();
                }
            };
            return session(() -> {
                quit.await();
                return ExitCodes.OK;
            });
        }

        Signals.Session interactive(TopTerminal terminal) {
            redraw = () -> {
                Size size = terminal.size();
                terminal.draw(controls.screen(screen, run, Math.max(1, size.getColumns()),
                        Math.max(1, size.getRows())));
            };
            clock = () -> {
                Size size = terminal.size();
                String title = controls.titleLine(screen, run, Math.max(1, size.getColumns()), size.getRows());
                if (title == null || !terminal.drawLine(0, title)) {
                    redraw.run();
                }
            };
            terminal.onResize(() -> redraw.run());
            ended = terminal::wake;
            return session(() -> {
                redraw.run();
                while (quit.getCount() > 0) {
                    int c = terminal.readKey();
                    if (c == -1) {
                        break;
                    }
                    if (c == TopTerminal.NO_KEY) {
                        continue;
                    }
                    TopControls.Action a = controls.key(c);
                    if (a == TopControls.Action.QUIT) {
                        break;
                    }
                    if (a == TopControls.Action.REDRAW) {
                        redraw.run();
                    }
                }
                return ExitCodes.OK;
            });
        }

        /** What runs on the main thread until the end; then monitoring is stopped, whatever ended it. */
        private interface Loop {
            int run() throws IOException, InterruptedException;
        }

        private Signals.Session session(Loop loop) {
            return Signals.stoppable(() -> {
                try {
                    session.start();
                    int code = loop.run();
                    session.stop();
                    Integer failed = Failures.output(out, err);
                    return failed != null ? failed : code;
                } catch (SourceException e) {
                    return Failures.line(err, ExitCodes.of(e.kind()), e.getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return ExitCodes.OK;
                }
            }, this::endRun);
        }

        /** Releases the source if the main thread could not (the last resort of the shutdown path). */
        void stopQuietly() {
            try {
                session.stop();
            } catch (SourceException e) {
                // Already said by the main thread, or the process is ending anyway.
            }
        }
    }
}
