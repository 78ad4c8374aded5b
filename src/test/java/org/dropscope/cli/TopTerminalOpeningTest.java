// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.jline.terminal.impl.ExternalTerminal;
import org.junit.jupiter.api.Test;

/**
 * {@link TopTerminal.Opening}: a terminal opened while top opens its source is closed when top
 * ends before its screen (an error, a refused source), and a terminal that could not be opened
 * says so when top asks for it.
 */
class TopTerminalOpeningTest {
    @Test
    void aTerminalNeverTakenIsClosedOnce() throws Exception {
        AtomicInteger closed = new AtomicInteger();
        ExternalTerminal terminal = new ExternalTerminal("test", "xterm", new ByteArrayInputStream(new byte[0]),
                new ByteArrayOutputStream(), StandardCharsets.UTF_8);
        terminal.setOnClose(closed::incrementAndGet);

        TopTerminal.Opening opening = TopTerminal.Opening.start(() -> terminal);
        opening.discard();
        opening.discard();

        assertEquals(1, closed.get());
    }

    @Test
    void aTerminalThatCouldNotBeOpenedFailsTakeWithItsErrorAndDiscardsQuietly() {
        TopTerminal.Opening opening = TopTerminal.Opening.start(() -> {
            throw new IOException("no terminal here");
        });

        IOException e = assertThrows(IOException.class, opening::take);
        assertEquals("no terminal here", e.getMessage());
        opening.discard();
    }
}
