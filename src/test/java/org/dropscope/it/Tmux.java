// SPDX-License-Identifier: Apache-2.0
package org.dropscope.it;

import java.util.List;
import java.util.function.Predicate;

/** One tmux session running dropscope, kept after it exits so its last screen can be read. */
final class Tmux implements AutoCloseable {
    private static final String EXITED = "dropscope exited with ";
    private final String session;

    private Tmux(String session) {
        this.session = session;
    }

    /** Starts {@code command} (no shell before it) in a detached 160x60 session. */
    static Tmux start(List<String> command) {
        String session = "dropscope-it-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        // The exit code is printed by a wrapping bash (tmux 3.3 leaves #{pane_dead_status} empty).
        // bash, not sh: Ctrl-C goes to the whole foreground group, and bash, unlike dash,
        // carries on when its child survives the SIGINT. Separate arguments: no shell before it.
        String script = String.join(" ", command) + "; echo " + EXITED + "$?";
        Commands.check("tmux", "new-session", "-d", "-s", session, "-x", "160", "-y", "60", "bash", "-c", script);
        Tmux t = new Tmux(session);
        Commands.check("tmux", "set-option", "-t", session, "remain-on-exit", "on");
        return t;
    }

    void type(String line) {
        Commands.check("tmux", "send-keys", "-t", session, "-l", line);
        keys("Enter");
    }

    /** Types {@code text} literally, without Enter. */
    void text(String text) {
        Commands.check("tmux", "send-keys", "-t", session, "-l", text);
    }

    void keys(String key) {
        Commands.check("tmux", "send-keys", "-t", session, key);
    }

    /** The whole pane with its history, wrapped lines joined. */
    String screen() {
        return Commands.check("tmux", "capture-pane", "-p", "-J", "-S", "-", "-t", session).stdout();
    }

    /** The visible lines of the pane, as they are on the screen. */
    List<String> visible() {
        return Commands.check("tmux", "capture-pane", "-p", "-t", session).stdoutLines();
    }

    /** Resizes the window, which sends the program SIGWINCH. */
    void resize(int columns, int lines) {
        Commands.check("tmux", "resize-window", "-t", session, "-x", Integer.toString(columns), "-y",
                Integer.toString(lines));
    }

    void await(Predicate<String> ready, String what) {
        Commands.waitUntil(() -> ready.test(screen()), Commands.TIMEOUT, what, () -> "the terminal shows:\n" + screen());
    }

    /** The exit code of dropscope, once the wrapping shell has printed it. */
    int awaitExit() {
        await(screen -> screen.contains(EXITED), "dropscope to exit");
        String line = screen().lines().filter(l -> l.startsWith(EXITED)).findFirst().orElseThrow();
        return Integer.parseInt(line.substring(EXITED.length()).strip());
    }

    @Override
    public void close() {
        Commands.succeeds("tmux", "kill-session", "-t", session);
    }
}
