// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.jline.terminal.Terminal;
import org.junit.jupiter.api.Test;

/**
 * {@link SystemTerminal} where JLine's native provider cannot open a system terminal: under the
 * test runner standard input and output are pipes, so the native provider (told not to fall back
 * to a dumb terminal) fails, and JLine's default choice gives the dumb terminal instead of an error.
 * At a real terminal the native provider serves (TopTerminalIT, TerminalShellIT).
 */
class SystemTerminalTest {
    @Test
    void withoutATerminalJlinesDefaultChoiceGivesItsDumbTerminal() throws IOException {
        try (Terminal terminal = SystemTerminal.open()) {
            assertTrue(terminal.getType().startsWith(Terminal.TYPE_DUMB), terminal.getType());
        }
    }
}
