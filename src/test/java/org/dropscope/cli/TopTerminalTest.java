// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.jline.terminal.Attributes;
import org.jline.terminal.Attributes.ControlChar;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.junit.jupiter.api.Test;

/**
 * {@link TopTerminal} over a JLine terminal on memory streams: its input blocks until a key comes
 * (no tenth-of-a-second polling while top is idle), a wait for a key ends when woken, and closing
 * gives the terminal its modes back.
 */
class TopTerminalTest {
    @Test
    void readsBlockUntilAKeyAndCloseGivesTheModesBack() throws IOException {
        Terminal terminal = terminal();
        Attributes before = terminal.getAttributes();

        TopTerminal top = new TopTerminal(terminal);
        assertEquals(1, terminal.getAttributes().getControlChar(ControlChar.VMIN), "VMIN");
        assertEquals(0, terminal.getAttributes().getControlChar(ControlChar.VTIME), "VTIME");

        top.close();
        assertEquals(before.getControlChar(ControlChar.VMIN), terminal.getAttributes().getControlChar(ControlChar.VMIN));
        assertEquals(before.getControlChar(ControlChar.VTIME),
                terminal.getAttributes().getControlChar(ControlChar.VTIME));
    }

    @Test
    void wakeEndsAWaitForAKeyWithNoKey() throws Exception {
        TopTerminal top = new TopTerminal(terminal());
        Thread waker = new Thread(top::wake);
        waker.start();

        assertEquals(TopTerminal.NO_KEY, top.readKey());
        waker.join();
        top.close();
    }

    private static Terminal terminal() throws IOException {
        return TerminalBuilder.builder().system(false).type("xterm")
                .streams(new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream()).build();
    }
}
