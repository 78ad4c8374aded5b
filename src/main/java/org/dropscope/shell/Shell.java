// SPDX-License-Identifier: Apache-2.0
package org.dropscope.shell;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.dropscope.aggregate.Snapshot;
import org.dropscope.names.DropNames;
import org.dropscope.source.DropSource;
import org.dropscope.source.NetDmSettings;
import org.dropscope.source.SourceException;
import org.dropscope.source.SourceFactory;
import org.dropscope.view.DropwatchLines;
import org.dropscope.view.Printable;

/**
 * The interactive shell: dropwatch's commands and printed lines over any dropscope source.
 *
 * <p>Differences from dropwatch, all in the direction of scripts working better: while
 * monitoring without an alert limit, commands keep being read, so {@code stop} typed or piped in
 * ends monitoring (dropwatch only stops on Ctrl-C); with an alert limit, the next command is read
 * only once the limit is reached, as dropwatch does, so that {@code set alertlimit 1 / start /
 * stop / exit} piped in gives the same output. End of input while monitoring keeps monitoring
 * until Ctrl-C or SIGTERM, as dropwatch does.
 *
 * <p>The shell reads and dispatches commands and starts and stops monitoring; a running session
 * is a {@link Monitor}, and NET_DM's settings commands are {@link NetDmCommands}'.
 */
public final class Shell {
    /** Where command lines come from: a terminal line editor or plain standard input. */
    public interface Input {
        /**
         * The next line, without its terminator, or {@code null} at end of input.
         *
         * @throws UserInterrupt when the user pressed Ctrl-C at the prompt
         */
        String readLine(String prompt) throws IOException, UserInterrupt;
    }

    /** Ctrl-C at the prompt. */
    public static final class UserInterrupt extends Exception {
        private static final long serialVersionUID = 1L;
    }

    /** What the shell is run with. */
    public record Settings(String sourceName, String lookupMethod, long intervalMillis) {
    }

    static final String PROMPT = "dropscope> ";

    private final Input in;
    private final PrintWriter out;
    private final PrintWriter err;
    private final SourceFactory sources;
    /** NET_DM's {@code set}, {@code show} and {@code stats}; null for another source. */
    private final NetDmCommands netDm;
    private final Function<DropSource, DropNames> names;
    private final Settings settings;
    private long alertLimit;
    private Monitor monitor;
    private Monitor lastSession;
    /** Why a source failed to open or start; the shell then ends. */
    private SourceException.Kind failure;

    /**
     * @param netDm NET_DM's kernel settings when the source is NET_DM (enables {@code set
     *     alertmode/trunc/queue/sw/hw} and NET_DM's {@code show} and {@code stats}), else {@code null}
     * @param names the names of an opened source's drops (kallsyms per {@code -l}, the source's reasons)
     */
    public Shell(Input in, PrintWriter out, PrintWriter err, SourceFactory sources, NetDmSettings netDm,
            Function<DropSource, DropNames> names, Settings settings) {
        this.in = in;
        this.out = out;
        this.err = err;
        this.sources = sources;
        this.netDm = netDm == null ? null : new NetDmCommands(netDm, this::println);
        this.names = names;
        this.settings = settings;
    }

    /** Kernel settings changed elsewhere: by the daemon {@code shell --connect} watches. */
    public interface RemoteSettings {
        /** Asks for {@code name value}; returns the line the shell prints. */
        String set(String name, String value);
    }

    private RemoteSettings remote;

    /** Hands NET_DM's {@code set} commands to {@code r} (a shell without NET_DM of its own). */
    public void remoteSettings(RemoteSettings r) {
        this.remote = r;
    }

    /** Runs until {@code exit}, end of input or a failure; returns how it ended. */
    public ShellEnd run() throws IOException {
        while (failure == null) {
            String line;
            try {
                line = in.readLine(PROMPT);
            } catch (UserInterrupt e) {
                if (!interrupt()) {
                    // Ctrl-C at an idle prompt ends dropscope, as it ends dropwatch.
                    return ShellEnd.INTERRUPTED;
                }
                continue;
            }
            if (line == null) {
                awaitEndOfMonitoring();
                println("Terminating dropscope...");
                break;
            }
            if (!execute(line.trim())) {
                break;
            }
        }
        return failure == null ? ShellEnd.EXITED : ShellEnd.failed(failure);
    }

    /**
     * Ctrl-C or SIGINT: ends monitoring if it is on. Callable from any thread.
     *
     * @return whether monitoring was on
     */
    public synchronized boolean interrupt() {
        if (monitor == null) {
            return false;
        }
        // dropwatch's SIGINT handler sends STOP straight away: no "Deactivation requested" line.
        stopMonitoring(false);
        return true;
    }

    /** SIGTERM or JVM exit: ends monitoring and releases the kernel resources. */
    public synchronized void shutdown() {
        if (monitor != null) {
            stopMonitoring();
        }
    }

    /** @return false when the shell should end */
    private boolean execute(String cmd) {
        String[] words = cmd.split("\\s+");
        switch (words[0].toLowerCase(Locale.ROOT)) {
            case "":
                return true;
            case "start":
                start();
                return failure == null;
            case "stop":
                stop();
                return true;
            case "exit":
            case "quit":
                synchronized (this) {
                    stopMonitoring();
                }
                println("Shutting down ...");
                return false;
            case "help":
                help();
                return true;
            case "set":
                set(words);
                return true;
            case "show":
                show();
                return true;
            case "stats":
                stats();
                return true;
            default:
                println("Unknown command: " + Printable.text(cmd) + " (type help for the list)");
                return true;
        }
    }

    private void start() {
        Monitor running;
        synchronized (this) {
            if (monitor != null) {
                println("Monitoring is already on (stop it first)");
                return;
            }
            println("Enabling monitoring...");
            DropSource source;
            try {
                source = sources.open();
            } catch (SourceException e) {
                fail(e);
                return;
            }
            DropwatchLines format = new DropwatchLines(names.apply(source));
            running = new Monitor(source, format, out, settings.intervalMillis(), alertLimit);
            // Holding the output from START to its acknowledgement's lines: an alert the reader
            // thread receives meanwhile is printed after them, as dropwatch prints it.
            synchronized (out) {
                try {
                    running.start();
                } catch (SourceException e) {
                    source.close();
                    fail(e);
                    return;
                }
                monitor = running;
                println("Kernel monitoring activated.");
                println("Issue Ctrl-C to stop monitoring");
            }
        }
        if (alertLimit > 0) {
            // dropwatch reads no further command until the limit is reached or Ctrl-C.
            awaitEndOfMonitoring();
        }
    }

    private void awaitEndOfMonitoring() {
        Monitor m;
        synchronized (this) {
            m = monitor;
        }
        if (m == null) {
            return;
        }
        try {
            m.awaitStopRequest();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            if (monitor == m) {
                stopMonitoring();
            }
        }
    }

    private synchronized void stop() {
        if (monitor == null) {
            // dropwatch prints these even when already stopped (the kernel acks a second STOP).
            println("Deactivation requested, turning off monitoring");
            println("Got a stop message");
            return;
        }
        stopMonitoring();
    }

    /** Caller holds the lock. */
    private void stopMonitoring() {
        stopMonitoring(true);
    }

    /** Caller holds the lock; {@code requested}: by {@code stop}, the alert limit or exit, not Ctrl-C. */
    private void stopMonitoring(boolean requested) {
        if (monitor == null) {
            return;
        }
        Monitor m = monitor;
        monitor = null;
        if (requested) {
            println("Deactivation requested, turning off monitoring");
        }
        try {
            m.stop();
            println("Got a stop message");
            Snapshot s = m.lastSnapshot();
            if (s != null && s.lostTotal() > 0) {
                // dropwatch says nothing here; a session that missed drops must not look complete.
                println("Lost " + s.lostTotal() + " drop events in this session: the kernel could not deliver"
                        + " them (stats shows where)");
            }
        } catch (SourceException e) {
            println("Stop request failed, error: " + Printable.text(e.getMessage()));
        }
        lastSession = m;
    }

    private void set(String[] words) {
        if (words.length < 2) {
            println("set needs a setting: alertlimit <number> (type help)");
            return;
        }
        String what = words[1].toLowerCase(Locale.ROOT);
        if (what.equals("alertlimit")) {
            if (words.length < 3 || !words[2].matches("\\d{1,18}")) {
                println("set alertlimit needs a number of alert lines (0 = no limit)");
                return;
            }
            synchronized (this) {
                alertLimit = Long.parseLong(words[2]);
            }
            println("setting alert capture limit to " + alertLimit);
        } else if (NetDmCommands.isSetting(what)) {
            if (netDm == null && remote != null) {
                println(remote.set(what, words.length > 2 ? words[2] : ""));
            } else if (netDm == null) {
                println("set " + what + " configures NET_DM; this shell uses the " + settings.sourceName()
                        + " source, which has no such setting");
            } else {
                netDm.set(what, words.length > 2 ? words[2] : "");
            }
        } else {
            println("Unknown setting: " + Printable.text(words[1]) + " (type help)");
        }
    }

    private void show() {
        if (netDm != null) {
            netDm.show();
            return;
        }
        println("Source: " + settings.sourceName());
        println("Lookup method: " + settings.lookupMethod());
        println("Alert limit: " + (alertLimit == 0 ? "none" : Long.toString(alertLimit)));
        println("Interval: " + settings.intervalMillis() + " ms");
    }

    private synchronized void stats() {
        if (netDm != null) {
            netDm.stats();
        }
        Monitor m = monitor != null ? monitor : lastSession;
        if (m == null) {
            if (netDm == null) {
                println("No statistics: monitoring has not been started");
            }
            return;
        }
        Snapshot s = m.lastSnapshot();
        println("Statistics of the " + (monitor != null ? "running" : "last") + " session: "
                + Printable.text(m.source().description()));
        if (s == null) {
            println("no interval completed yet");
            return;
        }
        println(String.format(Locale.ROOT, "%-6s %14s %14s", "cpu", "events", "lost"));
        for (int c = 0; c < s.cpus(); c++) {
            println(String.format(Locale.ROOT, "%-6d %14d %14d", c, s.cpuEventsTotal(c), s.cpuLostTotal(c)));
        }
        println(String.format(Locale.ROOT, "%-6s %14d %14d", "all", s.dropsTotal(), s.lostTotal()));
        if (s.overflowTotal() > 0) {
            println("drops at new locations counted without a location (table full): " + s.overflowTotal());
        }
        for (Map.Entry<String, Long> e : m.source().counters().entrySet()) {
            println(e.getKey() + ": " + e.getValue());
        }
    }

    private void help() {
        println("Command Syntax:");
        println("exit\t\t\t\t - Quit dropscope");
        println("help\t\t\t\t - Display this message");
        println("set:");
        println("\talertlimit <number>\t - capture only this many alert lines");
        if (netDm != null) {
            netDm.help();
        }
        println("start\t\t\t\t - start capture");
        println("stop\t\t\t\t - stop capture");
        println("show\t\t\t\t - show existing configuration");
        println("stats\t\t\t\t - show statistics: events and lost events per CPU");
    }

    private void fail(SourceException e) {
        synchronized (err) {
            err.println("dropscope: " + Printable.text(e.getMessage()));
            err.flush();
        }
        failure = e.kind();
    }

    private void println(String s) {
        synchronized (out) {
            out.println(s);
            out.flush();
        }
    }
}
