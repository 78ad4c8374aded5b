// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import org.jline.terminal.Attributes;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.InfoCmp.Capability;
import org.jline.utils.NonBlockingReader;

/**
 * The terminal under {@code top}: JLine's system terminal in raw mode on the alternate screen,
 * keys read one at a time, whole screens drawn, and {@link Terminal.Signal#WINCH} passed on.
 * {@link #close()} gives the terminal back as it was (screen, cursor, modes).
 *
 * <p>Raw mode keeps ISIG: Ctrl-C still raises SIGINT, which {@link Signals} turns into quitting.
 */
final class TopTerminal implements AutoCloseable {
    /** What {@link #readKey} returns when no key came in time. */
    static final int NO_KEY = NonBlockingReader.READ_EXPIRED;

    private final Terminal terminal;
    private final Attributes saved;
    private final NonBlockingReader keys;
    private final PrintWriter writer;

    private TopTerminal(Terminal terminal) {
        this.terminal = terminal;
        this.saved = terminal.enterRawMode();
        this.keys = terminal.reader();
        this.writer = terminal.writer();
        terminal.puts(Capability.enter_ca_mode);
        terminal.puts(Capability.keypad_xmit);
        terminal.puts(Capability.cursor_invisible);
        terminal.puts(Capability.clear_screen);
        terminal.flush();
    }

    static TopTerminal open() throws IOException {
        return new TopTerminal(TerminalBuilder.builder().system(true).build());
    }

    /** Runs {@code action} on every resize (SIGWINCH), on JLine's signal thread. */
    void onResize(Runnable action) {
        terminal.handle(Terminal.Signal.WINCH, s -> action.run());
    }

    /** The next key, {@link #NO_KEY} after {@code millis} without one, -1 at end of input. */
    int readKey(long millis) throws IOException {
        return keys.read(millis);
    }

    Size size() {
        return terminal.getSize();
    }

    /** Draws {@code lines} from the top left corner, clearing what each line and the screen leave. */
    synchronized void draw(List<String> lines) {
        terminal.puts(Capability.cursor_home);
        for (int i = 0; i < lines.size(); i++) {
            writer.write(lines.get(i));
            terminal.puts(Capability.clr_eol);
            if (i < lines.size() - 1) {
                writer.write("\r\n");
            }
        }
        terminal.puts(Capability.clr_eos);
        terminal.flush();
    }

    @Override
    public synchronized void close() throws IOException {
        try {
            terminal.puts(Capability.cursor_normal);
            terminal.puts(Capability.keypad_local);
            terminal.puts(Capability.exit_ca_mode);
            terminal.flush();
            terminal.setAttributes(saved);
        } finally {
            terminal.close();
        }
    }
}
