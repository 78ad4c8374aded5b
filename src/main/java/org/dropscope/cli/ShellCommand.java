// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code dropscope shell}: the dropwatch-compatible interactive shell. */
@Command(name = "shell", mixinStandardHelpOptions = true,
        description = {"Interactive shell with dropwatch's commands: start, stop, set alertlimit N,"
                + " show, stats, help, exit. Reads commands from a terminal or from piped standard input.",
            "While monitoring, prints once per interval one line per drop location with new drops:",
            "  N drops at SYMBOL+HEXOFF (0xADDR) [software] reason: REASON",
            "With --connect, start and stop subscribe to a running dropscope daemon's drops instead of a kernel"
                + " session: no root needed, only membership of the socket's group."})
public final class ShellCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ShellOptions options = new ShellOptions();

    @Mixin
    ConnectOption connect = new ConnectOption();

    @Override
    public Integer call() throws Exception {
        return new ShellRunner(spec.commandLine(), options, connect.socket).run();
    }
}
