// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The shell's options, which {@code top} shares: dropwatch's {@code -l}, the interval, the source options. */
public final class ShellOptions {
    @Option(names = {"-l", "--lmethod"}, defaultValue = "kas", paramLabel = "kas|none|list",
            description = "How drop locations are named: kas = /proc/kallsyms (sym+off), none = raw"
                    + " addresses, list = print the methods and exit. Default: ${DEFAULT-VALUE}.")
    String lookupMethod;

    @Option(names = "--interval", defaultValue = "1000", paramLabel = "MS",
            description = "Milliseconds between prints of the drops counted while monitoring. Default: ${DEFAULT-VALUE}.")
    long intervalMillis;

    @Mixin
    SourceOptions source = new SourceOptions();

    /**
     * Checks the values against their ranges.
     *
     * @throws UsageException (one line, exit code 2) when one is out of range
     */
    void validate() {
        source.validate();
        if (intervalMillis < 10) {
            throw new UsageException("--interval must be at least 10 ms, got " + intervalMillis);
        }
    }
}
