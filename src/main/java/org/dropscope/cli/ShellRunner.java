// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.dropscope.daemon.DaemonClient;
import org.dropscope.daemon.StreamSource;
import org.dropscope.daemon.wire.Message;
import org.dropscope.names.DropNames;
import org.dropscope.shell.Shell;
import org.dropscope.source.DropSource;
import org.dropscope.source.LiveNames;
import org.dropscope.source.NetDmSettings;
import org.dropscope.source.SourceException;
import org.dropscope.source.SourceFactory;
import org.dropscope.view.Printable;
import picocli.CommandLine;

/**
 * Sets up and runs the shell for {@code dropscope} and {@code dropscope shell}: the lookup method,
 * the input (JLine at a terminal, plain standard input otherwise) and the signal handling.
 */
final class ShellRunner {
    private final CommandLine cl;
    private final ShellOptions options;
    private final Path connect;
    /** The socket whose presence a privilege error tells of ({@link DaemonHint}); tests name their own. */
    Path daemonSocket = DaemonClient.DEFAULT_SOCKET;

    /**
     * @param connect the daemon's socket for {@code shell --connect}, else {@code null}: a kernel
     *     session of its own
     */
    ShellRunner(CommandLine cl, ShellOptions options, Path connect) {
        this.cl = cl;
        this.options = options;
        this.connect = connect;
    }

    int run() throws IOException {
        PrintWriter out = cl.getOut();
        PrintWriter err = cl.getErr();
        options.validate();
        if (connect != null) {
            // Every start subscribes anew: the daemon's stream, its names; no kallsyms here.
            SourceFactory daemon = () -> StreamSource.open(connect, DropscopeCommand.VERSION);
            return run(daemon, null, DropSource::names, new Shell.Settings("dropscope daemon at " + connect,
                    options.lookupMethod, options.intervalMillis), () -> { }, out, err, this::setOnDaemon);
        }
        UnaryOperator<String> hint = message -> DaemonHint.add(daemonSocket, "shell", message);
        Lookup lookup = Lookup.begin(options.lookupMethod, out, err, "Initializing kallsyms db").onPrivilege(hint)
                .join();
        if (lookup.exitCode() != Lookup.GO_ON) {
            return lookup.exitCode();
        }
        Function<DropSource, DropNames> names = source -> new LiveNames(lookup.symbols(), source.names(), null);
        SourceChoice choice;
        try {
            choice = options.source.choose(false);
        } catch (SourceException e) {
            int code = ExitCodes.of(e.kind());
            return Failures.line(err, code, code == ExitCodes.NO_PERMISSION ? hint.apply(e.getMessage())
                    : e.getMessage());
        }
        if (choice.note() != null) {
            out.println(Printable.text(choice.note()));
            out.flush();
        }
        Shell.Settings settings = new Shell.Settings(choice.name(), options.lookupMethod, options.intervalMillis);
        return run(choice.factory(), choice.netDm(), names, settings, choice.releaser(err), out, err, null);
    }

    /** {@code set} of a NET_DM setting with {@code --connect}: the daemon's SET, root's only. */
    private String setOnDaemon(String name, String value) {
        String setting = (name + " " + value).strip();
        try (DaemonClient client = DaemonClient.connect(connect, Message.WANT_SET, DropscopeCommand.VERSION)) {
            String refusal = client.set(setting);
            return Printable.text(refusal == null ? "set " + setting + ": done by the daemon" : "set " + setting
                    + ": the daemon refuses: " + refusal);
        } catch (SourceException e) {
            return Printable.text("set " + setting + " failed: " + e.getMessage());
        }
    }

    private int run(SourceFactory factory, NetDmSettings netDm, Function<DropSource, DropNames> names,
            Shell.Settings settings, Runnable release, PrintWriter out, PrintWriter err, Shell.RemoteSettings remote)
            throws IOException {
        if (System.console() != null) {
            try (TerminalInput terminal = TerminalInput.open()) {
                Shell shell = new Shell(terminal, terminal.writer(), err, factory, netDm, names, settings);
                shell.remoteSettings(remote);
                terminal.onInterrupt(shell::interrupt);
                return Signals.runWith(shell, err, release);
            }
        }
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        Shell shell = new Shell(new PipedInput(stdin, out), out, err, factory, netDm, names, settings);
        shell.remoteSettings(remote);
        return Signals.runWith(shell, err, release);
    }
}
