// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --connect [SOCKET]} of the commands that can take their drops from a running
 * {@code dropscope daemon} instead of a kernel session of their own: {@code top}, {@code shell},
 * {@code record}.
 */
final class ConnectOption {
    @Option(names = "--connect", arity = "0..1", paramLabel = "SOCKET", fallbackValue = "/run/dropscope/dropscope.sock",
            description = "Take the drops of a running dropscope daemon (its source, its names) instead of opening a"
                    + " kernel session: no root needed, only membership of the socket's group. SOCKET defaults to"
                    + " /run/dropscope/dropscope.sock. The source options are the daemon's.")
    Path socket;

    /** Whether {@code --connect} was given. */
    boolean given() {
        return socket != null;
    }

    /**
     * Refuses an option that applies to a kernel session only.
     *
     * @param given whether that option was given
     * @param option its name as the user wrote it, {@code --filter}
     * @throws UsageException (one line, exit code 2) when both were given
     */
    void refuse(boolean given, String option, String why) {
        if (given && socket != null) {
            throw new UsageException(option + " applies to a kernel session; with --connect " + why);
        }
    }
}
