// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import picocli.CommandLine;

/**
 * Runs a dropscope command in this JVM as the launcher would ({@code DropscopeCommand.execute}),
 * and keeps what it printed: the one harness of the command tests. Either the whole command line
 * ({@link #dropscope}) or one command object whose fakes a test has plugged in ({@link #of}), both
 * with dropscope's one-line errors and a new command line for each run.
 *
 * <p>Each run gives its exit code and what it printed ({@link Result}). A test that looks at what
 * several runs printed, as a terminal shows it, passes its own writers ({@link #printingTo}).
 */
public final class CommandRun {
    private final Supplier<CommandLine> commandLine;
    private final List<String> leading;
    private StringWriter out = new StringWriter();
    private StringWriter err = new StringWriter();
    private InputStream stdin;
    private OutputStream stdoutBytes;

    private CommandRun(Supplier<CommandLine> commandLine, String... leading) {
        this.commandLine = commandLine;
        this.leading = List.of(leading);
    }

    /** {@code dropscope LEADING ARGS}: every subcommand, the command line the launcher builds. */
    public static CommandRun dropscope(String... leading) {
        return new CommandRun(DropscopeCommand::newCommandLine, leading);
    }

    /** {@code command} (a subcommand with fakes plugged in) run with {@code LEADING ARGS}. */
    static CommandRun of(Object command, String... leading) {
        return new CommandRun(() -> DropscopeCommand.withFailures(new CommandLine(command)), leading);
    }

    /**
     * {@code commandLine} itself for every run, as picocli allows (it resets every option before
     * parsing): for a test that runs commands so often that building one per run would cost more.
     */
    static CommandRun reusing(CommandLine commandLine) {
        return new CommandRun(() -> commandLine);
    }

    /** Prints what every run writes to standard output into {@code out}, to standard error into {@code err}. */
    public CommandRun printingTo(StringWriter out, StringWriter err) {
        this.out = out;
        this.err = err;
        return this;
    }

    /**
     * Sends standard output, through the launcher's {@link CheckedWriter} (UTF-8), to
     * {@code bytes} instead of keeping it: for a test of what a command does when its standard
     * output fails. What the runs print there is not in their {@link Result}.
     */
    CommandRun stdout(OutputStream bytes) {
        this.stdoutBytes = bytes;
        return this;
    }

    /** Standard input of the runs ({@code report -}, {@code replay -}) instead of the JVM's. */
    public CommandRun stdin(InputStream in) {
        this.stdin = in;
        return this;
    }

    /** Runs the command with the leading arguments, then {@code args}. */
    public Result run(String... args) {
        return run(List.of(args));
    }

    /** Runs the command with the leading arguments, then {@code args}. */
    public Result run(List<String> args) {
        List<String> all = new ArrayList<>(leading);
        all.addAll(args);
        int outFrom = out.getBuffer().length();
        int errFrom = err.getBuffer().length();
        CommandLine cl = commandLine.get();
        cl.setOut(stdoutBytes != null ? new CheckedWriter(stdoutBytes, StandardCharsets.UTF_8, true)
                : new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        InputStream jvmStdin = System.in;
        int exit;
        try {
            if (stdin != null) {
                System.setIn(stdin);
            }
            exit = DropscopeCommand.execute(cl, all.toArray(new String[0]));
        } finally {
            System.setIn(jvmStdin);
        }
        cl.getOut().flush();
        cl.getErr().flush();
        return new Result(exit, out.getBuffer().substring(outFrom), err.getBuffer().substring(errFrom));
    }

    /** What one run left: its exit code, standard output and standard error. */
    public record Result(int exit, String out, String err) {
        /** The lines of standard output. */
        public List<String> outLines() {
            return out.lines().toList();
        }

        /** The lines of standard error; none when it is empty. */
        public List<String> errLines() {
            return err.isEmpty() ? List.of() : List.of(err.split("\n"));
        }
    }
}
