// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import org.dropscope.names.DropNames;
import org.dropscope.shell.Shell;
import org.dropscope.source.DropSource;
import org.dropscope.source.LiveNames;
import org.dropscope.source.SourceException;
import org.dropscope.view.Printable;
import picocli.CommandLine;

/**
 * Sets up and runs the shell for {@code dropscope} and {@code dropscope shell}: the lookup method,
 * the input (JLine at a terminal, plain standard input otherwise) and the signal handling.
 */
final class ShellRunner {
    private final CommandLine cl;
    private final ShellOptions options;

    ShellRunner(CommandLine cl, ShellOptions options) {
        this.cl = cl;
        this.options = options;
    }

    int run() throws IOException {
        PrintWriter out = cl.getOut();
        PrintWriter err = cl.getErr();
        options.validate();
        Lookup lookup = Lookup.load(options.lookupMethod, out, err, "Initializing kallsyms db");
        if (lookup.exitCode() != Lookup.GO_ON) {
            return lookup.exitCode();
        }
        Function<DropSource, DropNames> names = source -> new LiveNames(lookup.symbols(), source.names(), null);
        SourceChoice choice;
        try {
            choice = options.source.choose(false);
        } catch (SourceException e) {
            return Failures.line(err, ExitCodes.of(e.kind()), e.getMessage());
        }
        if (choice.note() != null) {
            out.println(Printable.text(choice.note()));
            out.flush();
        }
        Shell.Settings settings = new Shell.Settings(choice.name(), options.lookupMethod, options.intervalMillis);
        Runnable release = choice.releaser(err);
        if (System.console() != null) {
            try (TerminalInput terminal = TerminalInput.open()) {
                Shell shell = new Shell(terminal, terminal.writer(), err, choice.factory(), choice.netDm(), names,
                        settings);
                terminal.onInterrupt(shell::interrupt);
                return Signals.runWith(shell, err, release);
            }
        }
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        Shell shell = new Shell(new PipedInput(stdin, out), out, err, choice.factory(), choice.netDm(), names, settings);
        return Signals.runWith(shell, err, release);
    }
}
