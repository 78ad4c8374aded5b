// SPDX-License-Identifier: Apache-2.0
package org.dropscope.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * The daemon's kernel tests' processes: {@code dropscope daemon} on the tracepoint with its socket
 * under a test's temporary directory, for the group nogroup, and clients started as root or as
 * user nobody in that group (setpriv, the jar copied where nobody may read it).
 */
final class DaemonProcesses {
    static final int NOBODY = 65534;
    static final int NOGROUP = 65534;
    /** Drops the daemon's tests cause: NoPorts and RcvbufErrors, no netfilter drops. */
    static final KnownDrops.Datagrams DATAGRAMS = new KnownDrops.Datagrams(1500, 3000, 0);

    private DaemonProcesses() {
    }

    /**
     * Starts the daemon with its socket at {@code tmp/run/dropscope.sock} ({@code tmp} opened to
     * 0755: the socket's own directory is what keeps others out) and its flight recorder in
     * {@code tmp/flight}, and waits for the socket.
     */
    static ShellProcess start(Path tmp, String... extraArgs) throws IOException {
        ShellProcess daemon = launch(tmp, List.of(), extraArgs);
        Path socket = socket(tmp);
        Commands.waitUntil(() -> Files.exists(socket), Commands.TIMEOUT, "the daemon's socket", daemon::transcript);
        return daemon;
    }

    /** As {@link #start}, run by {@code prefix} (setpriv ...), without waiting for the socket. */
    static ShellProcess launch(Path tmp, List<String> prefix, String... extraArgs) throws IOException {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> args = new ArrayList<>(List.of("daemon", "--socket", socket(tmp).toString(), "--group",
                "nogroup", "--source", "tracepoint", "--record-dir", flight(tmp).toString()));
        args.addAll(List.of(extraArgs));
        return ShellProcess.start(prefix, args.toArray(String[]::new));
    }

    /** The flight recorder's directory {@link #start} gives the daemon (not the machine's). */
    static Path flight(Path tmp) {
        return tmp.resolve("flight");
    }

    /** The socket {@link #start} gives the daemon. */
    static Path socket(Path tmp) {
        return tmp.resolve("run").resolve("dropscope.sock");
    }

    /** A dropscope client as root. */
    static ShellProcess asRoot(List<String> args) {
        return ShellProcess.startCommand(ShellProcess.command(List.of(), args));
    }

    /** A dropscope client as user nobody, group nogroup, no other groups. */
    static ShellProcess asNobody(List<String> args) {
        return ShellProcess.startCommand(ShellProcess.command(List.of("setpriv", "--reuid=" + NOBODY,
                "--regid=" + NOGROUP, "--clear-groups", "--"), args, ShellProcess.jarForAnyUser()));
    }
}
