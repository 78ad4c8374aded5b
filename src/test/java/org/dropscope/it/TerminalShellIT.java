// SPDX-License-Identifier: Apache-2.0
package org.dropscope.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dropscope.testing.KernelTestSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The shell at a real terminal: tmux runs dropscope in a pseudo-terminal, keys are typed with
 * {@code send-keys} and the screen is read with {@code capture-pane}. This is the JLine path
 * (prompt, line editing, Ctrl-C as a key), which piped standard input never reaches.
 */
@ExtendWith(MachineLock.class)
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

    /** One run: the closed-port drops the namespace counted, those typed out, and the screen. */
    private record Typed(long noPorts, long printed, String screen) {
    }

    @Test
    void ctrlCStopsMonitoringAndTheShellGoesOn() {
        Typed t = Interference.repeatWhileDisturbed("TerminalShellIT", TerminalShellIT::ctrlCOnce,
                r -> Interference.of(r.printed(), r.noPorts(), 0));
        assertEquals(t.noPorts(), t.printed(), "drops typed out at the terminal\n" + t.screen());
    }

    private static Typed ctrlCOnce() {
        try (Netns net = Netns.create(); Tmux tmux = Tmux.start(ShellProcess.command(List.of(), List.of()))) {
            tmux.await(screen -> screen.contains(PROMPT), "the prompt");
            tmux.type("start");
            tmux.await(screen -> screen.contains(ShellProcess.ACTIVATED), "monitoring activated");
            Netns.Traffic traffic = net.send("noport", 500);
            tmux.await(screen -> udpDrops(screen) >= traffic.noPorts(), traffic.noPorts() + " drops printed");
            tmux.keys("C-c");
            tmux.await(screen -> screen.contains(ShellProcess.STOPPED), "Ctrl-C stopping monitoring");
            tmux.type("stats");
            tmux.await(screen -> screen.lines().anyMatch(l -> l.startsWith("all ")), "the stats table");
            Typed typed = new Typed(traffic.noPorts(), udpDrops(tmux.screen()), tmux.screen());
            tmux.type("exit");
            assertEquals(0, tmux.awaitExit(), tmux.screen());
            assertTrue(tmux.screen().contains("Shutting down ..."), tmux.screen());
            return typed;
        }
    }

    @Test
    void ctrlCAtAnIdlePromptEndsDropscopeWith130() {
        try (Tmux tmux = Tmux.start(ShellProcess.command(List.of(), List.of()))) {
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
}
