// SPDX-License-Identifier: Apache-2.0
package org.dropscope.it;

import org.dropscope.cli.DropscopeCommand;
import org.dropscope.testing.ProcFacts;

/**
 * Runs dropscope's command line in this JVM, exactly as its {@code Main} does, then reports what
 * perf resources the process still holds before exiting with the command's code:
 * {@code probe: perf fds N, perf mappings M}. This sees the state at exit time of a run that
 * failed half way, which a separate process cannot observe before the exit closes everything.
 */
public final class ShellProbe {
    static final String REPORT = "probe: perf fds %d, perf mappings %d";

    private ShellProbe() {
    }

    public static void main(String[] args) {
        int code = DropscopeCommand.newCommandLine().execute(args);
        System.out.println(String.format(REPORT, ProcFacts.perfFds("self"), ProcFacts.perfMappings("self")));
        System.out.flush();
        System.exit(code);
    }
}
