// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.nio.charset.Charset;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The root command: {@code dropscope} with no subcommand is the shell, as dropwatch is. */
@Command(name = "dropscope", mixinStandardHelpOptions = true, version = DropscopeCommand.VERSION,
        description = "Where, and why, is the Linux kernel dropping my packets?%n"
                + "With no command, starts the dropwatch-compatible shell.",
        subcommands = {CommandLine.HelpCommand.class, ShellCommand.class, TopCommand.class, RecordCommand.class, ReportCommand.class,
            ReplayCommand.class, DumpCommand.class, DaemonCommand.class, StatusCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success, also after Ctrl-C or SIGTERM stopped monitoring cleanly, or when the reader of standard output"
                + " went away (| head: a closed pipe)",
            "1:a bug in dropscope (please report it)",
            "2:bad command line, or a --filter that does not parse or names what this kernel lacks; daemon: a --group"
                + " that does not exist",
            "3:missing privilege: root, a capability, perf_event_paranoid, kptr_restrict; status, any --connect: the"
                + " daemon's socket refuses this user",
            "4:missing kernel feature: tracefs, the skb:kfree_skb tracepoint, NET_DM; or a refused tracepoint filter",
            "5:a file that cannot be read or written, or is corrupt (kallsyms, tracepoint format, a record file, a capture,"
                + " record's -o FILE, dump's -w FILE, report's --svg FILE, a symbolic link given as one of those, any"
                + " command's standard output; the daemon's socket directory)",
            "6:a system call failed (memory, file descriptors); daemon: a daemon already answers on the socket;"
                + " status, any --connect: no daemon answers, or it failed; report --connect: it keeps no recording",
            "130:Ctrl-C while not monitoring"})
public final class DropscopeCommand implements Callable<Integer> {
    /** What dropscope says it is: --version, and the daemon protocol's HELLO. */
    static final String VERSION = "dropscope 0.1.0";

    @Spec
    CommandSpec spec;

    @Mixin
    ShellOptions shell = new ShellOptions();

    /**
     * The command line with dropscope's exception handling installed, and a standard output that
     * keeps why a write failed ({@link CheckedWriter}), for every command.
     */
    public static CommandLine newCommandLine() {
        CommandLine cl = withFailures(new CommandLine(new DropscopeCommand()));
        cl.setOut(new CheckedWriter(new FileOutputStream(FileDescriptor.out), stdoutCharset(), true));
        return cl;
    }

    /** The charset System.out writes in: the terminal's when it is one, else the default. */
    private static Charset stdoutCharset() {
        String name = System.getProperty("stdout.encoding", System.getProperty("sun.stdout.encoding"));
        try {
            return name != null ? Charset.forName(name) : Charset.defaultCharset();
        } catch (IllegalArgumentException e) {
            return Charset.defaultCharset();
        }
    }

    /**
     * Runs {@code args} on {@code cl} and, when the command succeeded, applies the rule of a failed
     * write ({@link Failures#cannotWrite}) to its standard output once more: a command that prints
     * and ends without looking (--help, -l list, dump -q) exits 5 with one line when standard
     * output could not be written, and 0 when its reader went away.
     */
    static int execute(CommandLine cl, String... args) {
        int code = cl.execute(args);
        if (code != ExitCodes.OK) {
            return code;
        }
        Integer failed = Failures.output(cl.getOut(), cl.getErr());
        return failed != null ? failed : code;
    }

    /** {@code cl} with dropscope's one-line errors ({@link Failures}) installed. */
    static CommandLine withFailures(CommandLine cl) {
        Failures failures = new Failures();
        cl.setExecutionExceptionHandler(failures);
        cl.setParameterExceptionHandler(failures);
        return cl;
    }

    @Override
    public Integer call() throws Exception {
        return new ShellRunner(spec.commandLine(), shell, null).run();
    }
}
