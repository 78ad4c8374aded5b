// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.dropscope.shell.Shell;
import org.jline.keymap.KeyMap;
import org.jline.terminal.Attributes;
import org.jline.terminal.Attributes.ControlChar;
import org.jline.terminal.Attributes.LocalFlag;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.ExternalTerminal;
import org.jline.utils.InfoCmp.Capability;
import org.jline.utils.NonBlockingReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The shell's prompt over {@link TypedKeys}: a read waits for a key without a timer (JLine asks
 * with a tenth of a second in a loop), a peek keeps its timeout, an interrupt ends a wait, raw
 * mode blocks in read(2), and the line editor still edits lines and recalls history.
 */
class TerminalInputTest {
    @Test
    @Timeout(30)
    void aReadWaitsForAKeyWithoutATimerWhateverTimeoutItIsGiven() throws Exception {
        TypedKeys keys = new TypedKeys();
        NonBlockingReader reader = new TypedKeyReader(keys);
        AtomicInteger read = new AtomicInteger(Integer.MIN_VALUE);
        Thread prompt = new Thread(() -> {
            try {
                read.set(reader.read(100L));
            } catch (IOException e) {
                read.set(Integer.MAX_VALUE);
            }
        });
        prompt.start();
        // A wait with a timer is TIMED_WAITING: it would wake when the timer runs out.
        while (prompt.getState() != Thread.State.WAITING) {
            Thread.sleep(1);
        }
        keys.add('x');
        prompt.join();
        assertEquals('x', read.get());
    }

    @Test
    void aPeekKeepsItsTimeoutAndTheKeyItSaw() throws IOException {
        TypedKeys keys = new TypedKeys();
        NonBlockingReader reader = new TypedKeyReader(keys);
        assertEquals(NonBlockingReader.READ_EXPIRED, reader.peek(1));

        keys.add('[');
        assertEquals('[', reader.peek(1));
        assertEquals(1, reader.available());
        assertEquals('[', reader.read(100L));
        assertEquals(NonBlockingReader.READ_EXPIRED, reader.peek(1));
    }

    @Test
    void bufferedReadsTakeWhatIsQueuedAndEndOfInputStays() throws IOException {
        TypedKeys keys = new TypedKeys();
        NonBlockingReader reader = new TypedKeyReader(keys);
        "stop".chars().forEach(keys::add);
        keys.add(TypedKeys.END);
        char[] buf = new char[16];
        assertEquals(4, reader.readBuffered(buf));
        assertEquals("stop", new String(buf, 0, 4));
        assertEquals(NonBlockingReader.EOF, reader.read(100L));
        assertEquals(NonBlockingReader.EOF, reader.read(100L), "end of input, again");
    }

    @Test
    void anInterruptEndsTheWaitAndIsNotLeftPending() {
        NonBlockingReader reader = new TypedKeyReader(new TypedKeys());
        Thread.currentThread().interrupt();
        assertThrows(InterruptedIOException.class, () -> reader.read(100L));
        assertEquals(false, Thread.interrupted());
    }

    @Test
    void rawModeWaitsInReadAndTheRestIsTheTerminalsOwn() throws IOException {
        Terminal terminal = terminal();
        Attributes before = terminal.getAttributes();
        Terminal keyed = TypedKeyTerminal.over(terminal, new TypedKeys());

        Attributes returned = keyed.enterRawMode();
        assertEquals(before.getLocalFlag(LocalFlag.ICANON), returned.getLocalFlag(LocalFlag.ICANON));
        Attributes raw = terminal.getAttributes();
        assertEquals(false, raw.getLocalFlag(LocalFlag.ICANON));
        assertEquals(1, raw.getControlChar(ControlChar.VMIN), "VMIN");
        assertEquals(0, raw.getControlChar(ControlChar.VTIME), "VTIME");
        assertEquals(TypedKeyReader.class, keyed.reader().getClass());
        assertEquals("xterm", keyed.getType());
        assertSame(terminal.writer(), keyed.writer());
    }

    @Test
    @Timeout(30)
    void theLineEditorEditsAndRecallsHistoryFromTypedKeys() throws Exception {
        TypedKeys keys = new TypedKeys();
        Terminal terminal = terminal();
        TerminalInput input = new TerminalInput(terminal, keys);
        type(keys, "sow\u0002\u0002h\r");   // Ctrl-B twice: the h goes after the s
        assertEquals("show", input.readLine("dropwatch> "));
        type(keys, KeyMap.key(terminal, Capability.key_up) + "\r");   // the previous line
        assertEquals("show", input.readLine("dropwatch> "));
        type(keys, "stats\r");
        assertEquals("stats", input.readLine("dropwatch> "));
        keys.add('\u0004');                 // Ctrl-D on an empty line: end of input
        assertEquals(null, input.readLine("dropwatch> "));
        input.close();
    }

    @Test
    void ctrlCAtThePromptIsTheShellsInterrupt() throws Exception {
        TypedKeys keys = new TypedKeys();
        TerminalInput input = new TerminalInput(terminal(), keys);
        Thread.currentThread().interrupt();  // what JLine's SIGINT handler does to the reading thread
        assertThrows(Shell.UserInterrupt.class, () -> input.readLine("dropwatch> "));
        type(keys, "exit\r");
        assertEquals("exit", input.readLine("dropwatch> "));
        input.close();
    }

    private static void type(TypedKeys keys, String text) {
        text.chars().forEach(keys::add);
    }

    private static Terminal terminal() throws IOException {
        return new ExternalTerminal("test", "xterm", new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream(),
                StandardCharsets.UTF_8);
    }
}
