// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import org.dropscope.ksym.KallsymsFormatException;
import org.dropscope.ksym.KallsymsUnavailableException;
import org.dropscope.ksym.Symbolizer;
import org.dropscope.shell.ExitCodes;
import org.dropscope.shell.Shell;
import org.dropscope.source.SourceException;
import org.dropscope.view.LocationNames;
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
        options.source.validate();
        if (options.intervalMillis < 10) {
            throw new IllegalArgumentException("--interval must be at least 10 ms, got " + options.intervalMillis);
        }
        LocationNames names;
        switch (options.lookupMethod) {
            case "list":
                out.println("Available lookup methods:");
                out.println("kas - use /proc/kallsyms");
                out.println("none - print raw addresses");
                out.flush();
                return ExitCodes.OK;
            case "none":
                names = LocationNames.NONE;
                break;
            case "kas":
                out.println("Initializing kallsyms db");
                out.flush();
                try {
                    Symbolizer symbolizer = Symbolizer.fromProc();
                    names = symbolizer::dropwatch;
                } catch (KallsymsUnavailableException e) {
                    err.println("dropscope: " + e.getMessage());
                    err.flush();
                    return ExitCodes.NO_PERMISSION;
                } catch (KallsymsFormatException e) {
                    err.println("dropscope: /proc/kallsyms: " + e.getMessage() + "; use -l none to go without symbols");
                    err.flush();
                    return ExitCodes.BAD_INPUT;
                }
                break;
            default:
                err.println("dropscope: unknown lookup method " + options.lookupMethod + " (use kas or none; -l list shows them)");
                err.flush();
                return ExitCodes.USAGE;
        }
        SourceChoice choice;
        try {
            choice = options.source.choose(false);
        } catch (SourceException e) {
            err.println("dropscope: " + e.getMessage());
            err.flush();
            return ExitCodes.of(e.kind());
        }
        if (choice.note() != null) {
            out.println(choice.note());
            out.flush();
        }
        Shell.Settings settings = new Shell.Settings(choice.name(), options.lookupMethod, options.intervalMillis);
        Runnable release = () -> {
            String problem = choice.closer().close();
            if (problem != null) {
                err.println("dropscope: " + problem);
                err.flush();
            }
        };
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
