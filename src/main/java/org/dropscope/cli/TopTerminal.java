// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jline.terminal.Attributes;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.Curses;
import org.jline.utils.InfoCmp.Capability;

/**
 * The terminal under {@code top}: JLine's system terminal in raw mode on the alternate screen,
 * keys read one at a time, screens drawn line by line (only the lines that changed), and
 * {@link Terminal.Signal#WINCH} passed on.
 * {@link #close()} gives the terminal back as it was (screen, cursor, modes).
 *
 * <p>Raw mode keeps ISIG: Ctrl-C still raises SIGINT, which {@link Signals} turns into quitting.
 *
 * <p>Keys come from {@link TypedKeys}, not JLine's reader, which wakes an idle top ten times a
 * second; {@link #wake} ends a wait for one without a key.
 */
final class TopTerminal implements AutoCloseable {
    /** What {@link #readKey} returns when no key came in time. */
    static final int NO_KEY = TypedKeys.NONE;

    private final Terminal terminal;
    private final Attributes saved;
    private final TypedKeys keys;
    private final PrintWriter writer;
    private final boolean canAddressLines;
    /** The lines on the screen, as the last {@link #draw} left them; null when not known. */
    private List<String> shown;
    /**
     * The escape sequences {@link #drawLine} writes, worked out once from the terminfo strings:
     * JLine's {@code puts} interprets them anew at every call, and a call once a second stays in
     * the interpreter for minutes.
     */
    private final String clearToEnd;
    private String[] lineAddress = new String[0];

    /** Over {@code terminal}, with keys from {@code keys}. */
    TopTerminal(Terminal terminal, TypedKeys keys) {
        this.terminal = terminal;
        this.keys = keys;
        this.saved = TypedKeys.blockingRawMode(terminal);
        this.writer = terminal.writer();
        this.canAddressLines = terminal.getStringCapability(Capability.cursor_address) != null;
        this.clearToEnd = sequence(Capability.clr_eol);
        terminal.puts(Capability.enter_ca_mode);
        terminal.puts(Capability.keypad_xmit);
        terminal.puts(Capability.cursor_invisible);
        terminal.puts(Capability.clear_screen);
        terminal.flush();
    }

    static TopTerminal open() throws IOException {
        Terminal terminal = TerminalBuilder.builder().system(true).build();
        return new TopTerminal(terminal, TypedKeys.fromStandardInput(terminal.encoding()));
    }

    /**
     * Runs {@code action} on every resize (SIGWINCH), on JLine's signal thread; the next
     * {@link #draw} then draws every line again, since the terminal may have moved or cleared them.
     */
    void onResize(Runnable action) {
        terminal.handle(Terminal.Signal.WINCH, s -> {
            forget();
            action.run();
        });
    }

    private synchronized void forget() {
        shown = null;
    }

    /** The next key; {@link #NO_KEY} once {@link #wake} was called without one; -1 at end of input. */
    int readKey() throws InterruptedException {
        return keys.take();
    }

    /** Ends a {@link #readKey} wait (or the next one) with {@link #NO_KEY}. Any thread. */
    void wake() {
        keys.add(NO_KEY);
    }

    Size size() {
        return terminal.getSize();
    }

    /**
     * Shows {@code lines} from the top left corner, clearing what each line and the screen leave.
     * Only the lines that differ from the last screen drawn are written (an idle top changes its
     * clock once a second, not the screen); everything is written the first time, after a
     * resize, and on a terminal that cannot move its cursor to a line.
     */
    synchronized void draw(List<String> lines) {
        if (shown == null || !canAddressLines) {
            drawAll(lines);
        } else {
            for (int i = 0; i < lines.size(); i++) {
                if (i >= shown.size() || !lines.get(i).equals(shown.get(i))) {
                    terminal.puts(Capability.cursor_address, i, 0);
                    writer.write(lines.get(i));
                    terminal.puts(Capability.clr_eol);
                }
            }
            if (lines.size() < shown.size()) {
                terminal.puts(Capability.cursor_address, lines.size(), 0);
                terminal.puts(Capability.clr_eos);
            }
        }
        terminal.flush();
        shown = new ArrayList<>(lines);
    }

    /**
     * Shows {@code line} as line {@code row} of the screen drawn last, if that screen is known and
     * has such a line (the clock in top's title, once a second).
     *
     * @return false when it is not: the caller draws the whole screen
     */
    synchronized boolean drawLine(int row, String line) {
        if (shown == null || !canAddressLines || row >= shown.size()) {
            return false;
        }
        if (!line.equals(shown.get(row))) {
            if (row >= lineAddress.length) {
                lineAddress = Arrays.copyOf(lineAddress, row + 1);
            }
            if (lineAddress[row] == null) {
                lineAddress[row] = sequence(Capability.cursor_address, row, 0);
            }
            writer.write(lineAddress[row]);
            writer.write(line);
            writer.write(clearToEnd);
            terminal.flush();
            shown.set(row, line);
        }
        return true;
    }

    /** What {@code terminal.puts(capability, params)} would write; empty if the terminal lacks it. */
    private String sequence(Capability capability, Object... params) {
        String s = terminal.getStringCapability(capability);
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        Curses.tputs(b, s, params);
        return b.toString();
    }

    private void drawAll(List<String> lines) {
        terminal.puts(Capability.cursor_home);
        for (int i = 0; i < lines.size(); i++) {
            writer.write(lines.get(i));
            terminal.puts(Capability.clr_eol);
            if (i < lines.size() - 1) {
                writer.write("\r\n");
            }
        }
        terminal.puts(Capability.clr_eos);
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
