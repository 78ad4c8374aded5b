// SPDX-License-Identifier: Apache-2.0
package org.dropscope.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dropscope.testing.KernelTestSupport;
import org.dropscope.testing.ProcFacts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code dropscope top} at a real terminal: tmux runs it (inside {@link ShellProbe}, which reports
 * the perf descriptors and mappings still held once the command returned), closed-port drops are
 * caused in a private network namespace, keys are sent and the screen is read after each.
 */
@ExtendWith(MachineLock.class)
@Tag("kernel")
class TopTerminalIT {
    private static final String KEYS = "q quit  p pause  s sort  g group  r reset  / filter";
    /** A row of the default grouping: drops/s, total, share, first, last, symbol, reason. */
    private static final Pattern UDP_ROW = Pattern.compile(
            "^\\s*[0-9.]+\\s+(\\d+)\\s+\\S+\\s+\\S+\\s+\\S+\\s+__udp4_lib_rcv\\s+NO_SOCKET$");

    @BeforeAll
    static void requirements() {
        ShellProcess.requireRootAndTools();
        KernelTestSupport.require(Commands.succeeds("tmux", "-V"), "needs tmux (scripts/install-deps installs it)");
    }

    @Test
    void keysChangeTheViewItFollowsResizesAndQuitReleasesEverything() {
        List<String> top = ShellProcess.probeCommand(List.of(), List.of("top", "--source", "tracepoint", "--interval",
                "300"));
        try (Netns net = Netns.create(); Tmux tmux = Tmux.start(top)) {
            tmux.await(s -> s.contains("group symbol+reason  sort drops/s"), "top's header");
            Netns.Traffic traffic = net.send("noport", 500);
            assertEquals(500, traffic.noPorts(), "Udp NoPorts of the test's network namespace");
            // At least: other processes may drop at the same place meanwhile.
            tmux.await(s -> udpTotal(s) >= traffic.noPorts(), "a __udp4_lib_rcv NO_SOCKET row with "
                    + traffic.noPorts() + " drops");
            assertTrue(tmux.visible().get(1).startsWith("kernel " + ProcFacts.sysctl("kernel/osrelease")
                    + "  events/s "), "the kernel line: " + tmux.visible());

            tmux.keys("g");
            tmux.await(s -> s.contains("group symbol  sort drops/s"), "grouping per symbol");
            tmux.await(s -> s.lines().anyMatch(l -> l.stripTrailing().endsWith(" __udp4_lib_rcv")), "a row per symbol");
            tmux.keys("g");
            tmux.await(s -> s.contains("group reason  sort drops/s"), "grouping per reason");
            tmux.keys("g");
            tmux.await(s -> s.contains("group stack  sort drops/s"), "grouping per stack");
            tmux.await(s -> s.lines().anyMatch(l -> l.contains("NO_SOCKET") && l.contains("__udp4_lib_rcv")),
                    "a stack through __udp4_lib_rcv");
            tmux.keys("g");
            tmux.await(s -> s.contains("group symbol+reason  sort drops/s"), "back to symbol and reason");

            tmux.keys("s");
            tmux.await(s -> s.contains("sort total"), "sorting by total");
            tmux.keys("p");
            tmux.await(s -> s.contains("sort total  PAUSED"), "paused");
            tmux.keys("/");
            tmux.await(s -> s.contains("filter (name part or expression, Enter applies, empty clears): "), "the prompt");
            tmux.text("udp4");
            tmux.keys("Enter");
            tmux.await(s -> s.contains("sort total  filter udp4  PAUSED"), "the filter in the header");
            assertTrue(udpTotal(tmux.screen()) >= traffic.noPorts(), "the filter keeps the row\n" + tmux.screen());
            tmux.keys("/");
            tmux.text("no-such-function");
            tmux.keys("Enter");
            tmux.await(s -> s.contains("filter no-such-function") && udpTotal(s) < 0, "no row left by the filter");
            tmux.keys("/");
            tmux.keys("Enter");
            tmux.await(s -> !s.contains("filter no-such-function") && udpTotal(s) >= traffic.noPorts(),
                    "the filter cleared");

            tmux.resize(70, 12);
            tmux.await(s -> {
                List<String> v = tmux.visible();
                return v.size() == 12 && v.get(11).stripTrailing().equals(KEYS)
                        && v.stream().allMatch(l -> l.length() <= 70);
            }, "the screen redrawn for 70x12 with the keys on its last line");
            tmux.keys("q");
            assertEquals(0, tmux.awaitExit(), tmux.screen());
            assertTrue(tmux.screen().contains(String.format(ShellProbe.REPORT, 0, 0)),
                    "perf descriptors or mappings still held after q\n" + tmux.screen());
        }
    }

    /** The total of the __udp4_lib_rcv NO_SOCKET row on the screen, -1 when there is none. */
    private static long udpTotal(String screen) {
        for (String line : screen.lines().toList()) {
            Matcher m = UDP_ROW.matcher(line.stripTrailing());
            if (m.matches()) {
                return Long.parseLong(m.group(1));
            }
        }
        return -1;
    }
}
