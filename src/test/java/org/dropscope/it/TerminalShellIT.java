// SPDX-License-Identifier: Apache-2.0
package org.dropscope.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dropscope.testing.KernelTestSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The shell at a real terminal: tmux runs dropscope in a pseudo-terminal, keys are typed with
 * {@code send-keys} and the screen is read with {@code capture-pane}. This is the JLine path
 * (prompt, line editing, Ctrl-C as a key), which piped standard input never reaches.
 */
@Tag("kernel")
class TerminalShellIT {
    private static final String PROMPT = "dropscope> ";
    private static final Pattern UDP_LINE = Pattern.compile(
            "^(\\d+) drops at __udp4_lib_rcv\\+[0-9a-f]+ \\(0x[0-9a-f]+\\) \\[software\\] reason: NO_SOCKET$");

    @BeforeAll
    static void requirements() {
        ShellProcess.requireRootAndTools();
        KernelTestSupport.require(Commands.succeeds("tmux", "-V"), "needs tmux (scripts/install-deps installs it)");
    }

    @Test
    void ctrlCStopsMonitoringAndTheShellGoesOn() {
        try (Netns net = Netns.create(); Tmux tmux = Tmux.start()) {
            tmux.await(screen -> screen.contains(PROMPT), "the prompt");
            tmux.type("start");
            tmux.await(screen -> screen.contains(ShellProcess.ACTIVATED), "monitoring activated");
            Netns.Traffic traffic = net.send("noport", 500);
            tmux.await(screen -> udpDrops(screen) >= traffic.noPorts(), traffic.noPorts() + " drops printed");
            tmux.keys("C-c");
            tmux.await(screen -> screen.contains(ShellProcess.STOPPED), "Ctrl-C stopping monitoring");
            tmux.type("stats");
            tmux.await(screen -> screen.lines().anyMatch(l -> l.startsWith("all ")), "the stats table");
            assertEquals(traffic.noPorts(), udpDrops(tmux.screen()), "drops typed out at the terminal\n" + tmux.screen());
            tmux.type("exit");
            assertEquals(0, tmux.awaitExit(), tmux.screen());
            assertTrue(tmux.screen().contains("Shutting down ..."), tmux.screen());
        }
    }

    @Test
    void ctrlCAtAnIdlePromptEndsDropscopeWith130() {
        try (Tmux tmux = Tmux.start()) {
            tmux.await(screen -> screen.contains(PROMPT), "the prompt");
            tmux.keys("C-c");
            assertEquals(130, tmux.awaitExit(), tmux.screen());
        }
    }

    private static long udpDrops(String screen) {
        long sum = 0;
        for (String line : screen.lines().toList()) {
            Matcher m = UDP_LINE.matcher(line.strip());
            if (m.matches()) {
                sum += Long.parseLong(m.group(1));
            }
        }
        return sum;
    }

    /** One tmux session running dropscope, kept after it exits so its last screen can be read. */
    private static final class Tmux implements AutoCloseable {
        private static final String EXITED = "dropscope exited with ";
        private final String session;

        private Tmux(String session) {
            this.session = session;
        }

        static Tmux start() {
            String session = "dropscope-it-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
            // The exit code is printed by a wrapping bash (tmux 3.3 leaves #{pane_dead_status} empty).
            // bash, not sh: Ctrl-C goes to the whole foreground group, and bash, unlike dash,
            // carries on when its child survives the SIGINT. Separate arguments: no shell before it.
            String script = String.join(" ", ShellProcess.command(List.of(), List.of())) + "; echo " + EXITED + "$?";
            Commands.check("tmux", "new-session", "-d", "-s", session, "-x", "160", "-y", "60", "bash", "-c", script);
            Tmux t = new Tmux(session);
            Commands.check("tmux", "set-option", "-t", session, "remain-on-exit", "on");
            return t;
        }

        void type(String line) {
            Commands.check("tmux", "send-keys", "-t", session, "-l", line);
            keys("Enter");
        }

        void keys(String key) {
            Commands.check("tmux", "send-keys", "-t", session, key);
        }

        String screen() {
            return Commands.check("tmux", "capture-pane", "-p", "-J", "-S", "-", "-t", session).stdout();
        }

        void await(Predicate<String> ready, String what) {
            long deadline = System.nanoTime() + Commands.TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                if (ready.test(screen())) {
                    return;
                }
                pause();
            }
            fail("waited " + Commands.TIMEOUT + " for " + what + "; the terminal shows:\n" + screen());
        }

        /** The exit code of dropscope, once the wrapping shell has printed it. */
        int awaitExit() {
            await(screen -> screen.contains(EXITED), "dropscope to exit");
            String line = screen().lines().filter(l -> l.startsWith(EXITED)).findFirst().orElseThrow();
            return Integer.parseInt(line.substring(EXITED.length()).strip());
        }

        private static void pause() {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() {
            Commands.succeeds("tmux", "kill-session", "-t", session);
        }
    }
}
