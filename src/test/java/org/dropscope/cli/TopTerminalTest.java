// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jline.terminal.Attributes;
import org.jline.terminal.Attributes.ControlChar;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.ExternalTerminal;
import org.junit.jupiter.api.Test;

/**
 * {@link TopTerminal} over a JLine terminal on memory streams: its input blocks until a key comes
 * (no tenth-of-a-second polling while top is idle), a wait for a key ends when woken, closing
 * gives the terminal its modes back, and a screen is written only where it changed.
 */
class TopTerminalTest {
    @Test
    void readsBlockUntilAKeyAndCloseGivesTheModesBack() throws IOException {
        Terminal terminal = terminal();
        Attributes before = terminal.getAttributes();

        TopTerminal top = new TopTerminal(terminal, new TypedKeys());
        assertEquals(1, terminal.getAttributes().getControlChar(ControlChar.VMIN), "VMIN");
        assertEquals(0, terminal.getAttributes().getControlChar(ControlChar.VTIME), "VTIME");

        top.close();
        assertEquals(before.getControlChar(ControlChar.VMIN), terminal.getAttributes().getControlChar(ControlChar.VMIN));
        assertEquals(before.getControlChar(ControlChar.VTIME),
                terminal.getAttributes().getControlChar(ControlChar.VTIME));
    }

    @Test
    void wakeEndsAWaitForAKeyWithNoKey() throws Exception {
        TopTerminal top = new TopTerminal(terminal(), new TypedKeys());
        Thread waker = new Thread(top::wake);
        waker.start();

        assertEquals(TopTerminal.NO_KEY, top.readKey());
        waker.join();
        top.close();
    }

    @Test
    void aScreenThatOnlyChangedItsClockRewritesOnlyTheClockLine() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TopTerminal top = new TopTerminal(terminal(out), new TypedKeys());
        top.draw(List.of("dropscope top 12:00:01  source", "kernel 6.18  drops 7 total", "   7.0  udp_rcv", "keys"));
        String first = out.toString(StandardCharsets.UTF_8);
        assertTrue(first.contains("kernel 6.18  drops 7 total") && first.contains("udp_rcv"), first);

        out.reset();
        top.draw(List.of("dropscope top 12:00:02  source", "kernel 6.18  drops 7 total", "   7.0  udp_rcv", "keys"));
        String second = out.toString(StandardCharsets.UTF_8);
        assertTrue(second.contains("dropscope top 12:00:02  source"), second);
        assertFalse(second.contains("kernel") || second.contains("udp_rcv") || second.contains("keys"), second);

        out.reset();
        top.draw(List.of("dropscope top 12:00:02  source", "kernel 6.18  drops 7 total", "   7.0  udp_rcv", "keys"));
        assertEquals("", out.toString(StandardCharsets.UTF_8), "nothing changed: nothing written");

        out.reset();
        top.draw(List.of("dropscope top 12:00:03  source", "kernel 6.18  drops 7 total"));
        String shorter = out.toString(StandardCharsets.UTF_8);
        assertTrue(shorter.contains("12:00:03"), shorter);
        assertFalse(shorter.contains("kernel"), shorter);
        assertTrue(shorter.contains("\033[J"), "the lines no longer drawn are cleared: " + shorter);
        top.close();
    }

    @Test
    void aLineOfTheScreenDrawnLastIsRewrittenAlone() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Terminal terminal = terminal(out);
        TopTerminal top = new TopTerminal(terminal, new TypedKeys());
        top.onResize(() -> { });
        assertFalse(top.drawLine(0, "dropscope top 12:00:01  source"), "no screen drawn yet");
        top.draw(List.of("dropscope top 12:00:01  source", "kernel 6.18  drops 0 total", "keys"));

        out.reset();
        assertTrue(top.drawLine(0, "dropscope top 12:00:02  source"));
        String clock = out.toString(StandardCharsets.UTF_8);
        assertTrue(clock.contains("\033[1;1Hdropscope top 12:00:02  source\033[K"), clock);
        assertFalse(clock.contains("kernel") || clock.contains("keys"), clock);
        assertFalse(top.drawLine(3, "a fourth line"), "the screen has three");
        out.reset();
        assertTrue(top.drawLine(2, "keys and more"));
        assertEquals("\033[3;1Hkeys and more\033[K", out.toString(StandardCharsets.UTF_8));
        out.reset();
        assertTrue(top.drawLine(0, "dropscope top 12:00:03  source"));
        assertEquals("\033[1;1Hdropscope top 12:00:03  source\033[K", out.toString(StandardCharsets.UTF_8));
        top.drawLine(0, "dropscope top 12:00:02  source");
        top.drawLine(2, "keys");

        out.reset();
        top.draw(List.of("dropscope top 12:00:02  source", "kernel 6.18  drops 0 total", "keys"));
        assertEquals("", out.toString(StandardCharsets.UTF_8), "the line drawn alone is known to be there");

        terminal.raise(Terminal.Signal.WINCH);
        assertFalse(top.drawLine(0, "dropscope top 12:00:03  source"), "after a resize the whole screen is drawn");
        top.close();
    }

    @Test
    void aResizeDrawsEveryLineAgain() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Terminal terminal = terminal(out);
        TopTerminal top = new TopTerminal(terminal, new TypedKeys());
        List<String> screen = List.of("dropscope top 12:00:01  source", "kernel 6.18  drops 0 total", "keys");
        AtomicInteger resized = new AtomicInteger();
        top.onResize(resized::incrementAndGet);
        top.draw(screen);

        terminal.raise(Terminal.Signal.WINCH);
        out.reset();
        top.draw(screen);
        String again = out.toString(StandardCharsets.UTF_8);
        assertEquals(1, resized.get());
        assertTrue(again.contains("dropscope top 12:00:01") && again.contains("kernel 6.18") && again.contains("keys"),
                again);
        top.close();
    }

    private static Terminal terminal() throws IOException {
        return terminal(new ByteArrayOutputStream());
    }

    /** An xterm whose output is in {@code out} once a call returns (no pump thread in between). */
    private static Terminal terminal(ByteArrayOutputStream out) throws IOException {
        return new ExternalTerminal("test", "xterm", new ByteArrayInputStream(new byte[0]), out, StandardCharsets.UTF_8);
    }
}
