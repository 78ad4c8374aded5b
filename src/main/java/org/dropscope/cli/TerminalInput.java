// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.util.function.BooleanSupplier;
import org.dropscope.shell.Shell;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;

/**
 * The shell's input at a terminal: JLine's line editor with history. Drop lines printed while
 * the user is typing go above the prompt ({@link LineReader#printAbove}) instead of through it.
 * The editor reads its keys from {@link TypedKeys} ({@link TypedKeyTerminal}), so the prompt
 * waits in read(2) while nothing is typed instead of waking ten times a second in JLine's reader.
 */
final class TerminalInput implements Shell.Input, AutoCloseable {
    private final Terminal terminal;
    private final LineReader reader;

    /** The line editor over {@code terminal}, with keys from {@code keys}. */
    TerminalInput(Terminal terminal, TypedKeys keys) {
        this.terminal = terminal;
        this.reader = LineReaderBuilder.builder().terminal(TypedKeyTerminal.over(terminal, keys)).appName("dropscope")
                .build();
    }

    static TerminalInput open() throws IOException {
        Terminal terminal = SystemTerminal.open();
        return new TerminalInput(terminal, TypedKeys.fromStandardInput(terminal.encoding()));
    }

    /** Ctrl-C while the line editor is not reading (monitoring with an alert limit). */
    void onInterrupt(BooleanSupplier interrupt) {
        terminal.handle(Terminal.Signal.INT, s -> {
            if (!interrupt.getAsBoolean()) {
                // exit, not halt: the shutdown hook stops monitoring and restores NET_DM state.
                System.exit(ExitCodes.INTERRUPTED);
            }
        });
    }

    @Override
    public String readLine(String prompt) throws Shell.UserInterrupt {
        try {
            return reader.readLine(prompt);
        } catch (UserInterruptException e) {
            throw new Shell.UserInterrupt();
        } catch (EndOfFileException e) {
            return null;
        }
    }

    /** A writer whose complete lines are printed above the prompt. */
    PrintWriter writer() {
        return new PrintWriter(new Writer() {
            private final StringBuilder line = new StringBuilder();

            @Override
            public synchronized void write(char[] cbuf, int off, int len) {
                for (int i = off; i < off + len; i++) {
                    if (cbuf[i] == '\n') {
                        reader.printAbove(line.toString());
                        line.setLength(0);
                    } else if (cbuf[i] != '\r') {
                        line.append(cbuf[i]);
                    }
                }
            }

            @Override
            public void flush() {
                terminal.flush();
            }

            @Override
            public void close() {
            }
        }, true);
    }

    @Override
    public void close() throws IOException {
        terminal.close();
    }
}
