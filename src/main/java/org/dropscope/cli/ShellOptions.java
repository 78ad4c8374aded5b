// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The shell's options: dropwatch's {@code -l} plus dropscope's source options. */
public final class ShellOptions {
    @Option(names = {"-l", "--lmethod"}, defaultValue = "kas", paramLabel = "kas|none|list",
            description = "How drop locations are named: kas = /proc/kallsyms (sym+off), none = raw"
                    + " addresses, list = print the methods and exit. Default: ${DEFAULT-VALUE}.")
    String lookupMethod;

    @Option(names = "--interval", defaultValue = "1000", paramLabel = "MS",
            description = "Milliseconds between summary prints while monitoring. Default: ${DEFAULT-VALUE}.")
    long intervalMillis;

    @Mixin
    SourceOptions source = new SourceOptions();
}
