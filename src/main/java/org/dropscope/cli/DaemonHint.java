// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.dropscope.daemon.DaemonClient;

/**
 * A privilege error, with how to do without when a daemon's socket is here: the "a user
 * without the privileges for a local kernel session is told in one line how to connect".
 */
final class DaemonHint {
    private DaemonHint() {
    }

    /**
     * {@code message}, and when {@code socket} exists, how to watch its daemon instead.
     *
     * @param command the command line that connects, {@code "top"}
     */
    static String add(Path socket, String command, String message) {
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            return message;
        }
        return message + "; or, without root, watch the dropscope daemon running here: dropscope " + command
                + " --connect" + (socket.equals(DaemonClient.DEFAULT_SOCKET) ? "" : " " + socket)
                + " (as a member of its socket's group)";
    }
}
