// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The root command: {@code dropscope} with no subcommand starts the shell. */
@Command(name = "dropscope", mixinStandardHelpOptions = true, version = "dropscope 0.1.0",
        description = "Where, and why, is the Linux kernel dropping my packets?")
public final class DropscopeCommand implements Callable<Integer> {

    static CommandLine newCommandLine() {
        return new CommandLine(new DropscopeCommand());
    }

    @Override
    public Integer call() {
        return org.dropscope.shell.ExitCodes.OK;
    }
}
